// The runlevel core image as the launcher pulls it: <RUNLEVEL_IMAGE_REPOSITORY or runlevel>:<pin>,
// the pin read from runlevel.yaml (`core`, or the cluster's own `core`).

import { formatImageRef, parseImageRef } from '../shared/images/reference.js';
import { readRepoFile } from '../values/repo.js';

/** The image repository the launcher and our hints use (`registry.example.com/runlevel` behind a mirror). */
export function coreImageRepository(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNLEVEL_IMAGE_REPOSITORY || 'runlevel';
}

/** The core image a cluster is pinned to, in full form, and the runlevel.yaml line of the pin. */
export async function pinnedCoreImage(
  valuesDir: string,
  cluster: string,
  repository = coreImageRepository(),
): Promise<{ source: string; pin?: { file: string; line: number; col: number } }> {
  const repo = await readRepoFile(valuesDir);
  const own = repo.file.clusters[cluster]?.core;
  const version = own ?? repo.file.core;
  const o = repo.origins.get(own === undefined ? '/core' : `/clusters/${cluster}/core`);
  const parsed = parseImageRef(`${repository}:${version}`);
  const source = parsed ? formatImageRef(parsed) : `${repository}:${version}`;
  return { source, ...(o ? { pin: { file: o.file, line: o.line, col: o.col } } : {}) };
}
