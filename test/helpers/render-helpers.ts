// Shared by the render integration tests: read a rendered tree, copy the core for breaking it.
import { cp, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { coreRoot } from '../../core/shared/paths.js';
import { fixture } from './fixture.js';

export const fixtures = join(coreRoot, 'test/fixtures/values');

/** The age key the large fixture's secrets.sops.yaml is encrypted to (a test key, for that fixture only). */
export const largeFixtureKey = join(fixtures, 'large.age.key');

/** Every file under dir: relative path → content. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(d: string): Promise<void> {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(dir, p), await readFile(p, 'utf8'));
    }
  }
  await walk(dir);
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** A copy of the core's charts/ and helmfile.d/ that a test may break. */
export async function copyOfCore(): Promise<string> {
  const dir = await fixture({});
  await cp(join(coreRoot, 'charts'), join(dir, 'charts'), { recursive: true });
  await cp(join(coreRoot, 'helmfile.d'), join(dir, 'helmfile.d'), { recursive: true });
  return dir;
}
