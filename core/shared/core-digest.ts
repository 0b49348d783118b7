// One digest of everything of the core a deploy's outcome depends on besides the values and the
// cluster: its content (charts, runlevel files, schemas, policies), its own code and the tool pins.
// The version names a release of the core; a checkout being worked on keeps its version while its
// charts or code change, so the files themselves are what is digested (about 2 MB, milliseconds).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { coreRoot, installRoot } from './paths.js';

let cached: string | undefined;

export function coreContentDigest(): string {
  if (cached) return cached;
  const hash = createHash('sha256');
  const walk = (root: string, rel: string) => {
    const path = join(root, rel);
    if (!existsSync(path)) return;
    if (!statSync(path).isDirectory()) {
      hash.update(`${rel}\0`).update(readFileSync(path)).update('\0');
      return;
    }
    for (const name of readdirSync(path).sort()) walk(root, `${rel}/${name}`);
  };
  for (const dir of ['charts', 'helmfile.d', 'schemas', 'policies']) walk(coreRoot, dir);
  // dist/bundle is the code bin/runlevel runs (scripts/bundle.sh), its packages included.
  for (const part of ['dist/bundle', 'tools/pins.env']) walk(installRoot, part);
  cached = hash.digest('hex');
  return cached;
}
