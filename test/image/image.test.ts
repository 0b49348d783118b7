// The built image itself: who it runs as, what it says about itself, and that `version` inside
// reports the same pinned tools as the host, from a read-only container.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../core/shared/paths.js';
import { runCli } from '../helpers/cli.js';
import { docker, image } from './docker.js';

const pkg = JSON.parse(readFileSync(join(coreRoot, 'package.json'), 'utf8'));
const version = pkg.version as string;
// The source label: package.json's repository URL, or no label at all (never a clone's local path).
const repository = (
  typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository?.url ?? '')
).replace(/^git\+/, '') as string;
// The tools the core runs; the cluster's own binaries stay on the host, kubectl and helm-diff too.
const imageTools = ['helm-engine', 'helmfile', 'opa', 'kubeconform', 'sops', 'crane'];

interface Inspect {
  Config: { User: string; WorkingDir: string; Entrypoint: string[]; Labels: Record<string, string> };
  Size: number;
}

test('the image is tagged with the core version, runs as 65532 in /values under tini, and carries OCI labels', async () => {
  assert.ok(image, 'the image tier sets RUNLEVEL_TEST_IMAGE');
  assert.is(image, `runlevel:${version}`);
  const r = await docker(['image', 'inspect', image]);
  assert.is(r.exitCode, 0, String(r.stderr));
  const [info] = JSON.parse(String(r.stdout)) as Inspect[];
  assert.ok(info);
  assert.is(info.Config.User, '65532:65532');
  assert.is(info.Config.WorkingDir, '/values');
  assert.equal(info.Config.Entrypoint.slice(0, 2), ['/usr/bin/tini', '--']);
  const labels = info.Config.Labels;
  assert.is(labels['org.opencontainers.image.version'], version);
  assert.is(labels['org.opencontainers.image.title'], 'runlevel');
  assert.match(labels['org.opencontainers.image.revision'] ?? '', /^[0-9a-f]{12}(-dirty)?$/);
  assert.match(labels['org.opencontainers.image.created'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  if (/^https?:\/\//.test(repository)) assert.is(labels['org.opencontainers.image.source'], repository);
  else assert.is(labels['org.opencontainers.image.source'], undefined, 'no repository URL: no source label');
  assert.ok(info.Size > 50e6 && info.Size < 1e9, `size ${info.Size}`);
});

test('`docker run --rm --read-only IMAGE version` prints the same pinned tools as the host', async () => {
  const inside = await docker(['run', '--rm', '--read-only', image, 'version', '-o', 'json']);
  assert.is(inside.exitCode, 0, String(inside.stderr));
  const host = await runCli(['version', '-o', 'json']);
  assert.is(host.code, 0, host.stderr);
  type V = { core: string; tools: { tool: string; pinned: string; found?: string; matches: boolean }[] };
  const [a, b] = [JSON.parse(String(inside.stdout)) as V, JSON.parse(host.stdout) as V];
  assert.is(a.core, b.core);
  for (const tool of imageTools) {
    const [i, h] = [a.tools.find((t) => t.tool === tool), b.tools.find((t) => t.tool === tool)];
    assert.ok(i?.matches, `${tool} in the image: ${JSON.stringify(i)}`);
    assert.is(i?.found, h?.found, tool);
  }
  // The cluster's binaries are not in the image, and it says so instead of "not installed".
  const apiserver = a.tools.find((t) => t.tool === 'kube-apiserver');
  assert.is(apiserver?.found, undefined);
  const text = await docker(['run', '--rm', '--read-only', image, 'version']);
  assert.match(String(text.stdout), /kube-apiserver +- +host only/);
  assert.match(String(text.stdout), /kubectl +- +not in the image: the core does not run it/);
  assert.match(String(text.stdout), new RegExp(`^runlevel ${version.replaceAll('.', '\\.')}$`, 'm'));
});

test('the container runs as 65532 with nothing writable: the root file system refuses a write', async () => {
  const r = await docker([
    'run',
    '--rm',
    '--read-only',
    '--entrypoint',
    '/bin/sh',
    image,
    '-c',
    'id -u; touch /opt/runlevel/x 2>/dev/null && echo wrote || echo refused; touch /tmp/x 2>/dev/null && echo wrote || echo refused',
  ]);
  assert.is(String(r.stdout).trim(), '65532\nrefused\nrefused');
});

test.run();
