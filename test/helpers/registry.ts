// Real registries for tests: Debian's docker-registry on 127.0.0.1 (scripts/registry.sh), each
// with its own storage, stopped by the PID it started.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { coreRoot } from '../../core/shared/paths.js';

export interface TestRegistry {
  /** host:port, as image references name it: 127.0.0.1:41234 */
  host: string;
  pid: number;
  dir: string;
  /** The repositories it holds (GET /v2/_catalog). */
  catalog(): Promise<string[]>;
  /** The manifest digest of repository:tag-or-digest, or undefined when absent. */
  manifestDigest(repository: string, reference: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

const manifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export async function startRegistry(name = 'registry'): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), `runlevel-${name}-`));
  const r = await execa(join(coreRoot, 'scripts/registry.sh'), ['up', dir]);
  const [pid, port] = r.stdout.trim().split(' ').map(Number);
  const host = `127.0.0.1:${port}`;
  return {
    host,
    pid: pid as number,
    dir,
    async catalog() {
      const res = await fetch(`http://${host}/v2/_catalog?n=1000`);
      return ((await res.json()) as { repositories: string[] }).repositories;
    },
    async manifestDigest(repository, reference) {
      const res = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, {
        method: 'HEAD',
        headers: { accept: manifestTypes },
      });
      return res.ok ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
    },
    async stop() {
      await execa(join(coreRoot, 'scripts/registry.sh'), ['down', String(pid)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
