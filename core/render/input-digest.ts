// What a release's rendered output depends on, digested without rendering it: the chart's files,
// the release's name and namespace, its merged values and the pinned helm. Our charts are
// deterministic (no lookup, no random, no Capabilities), so the same input digest means the same
// manifests: a deploy can take an unchanged release's manifests from what helm stored instead of
// rendering it again.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pinnedVersion } from '../shared/tools.js';
import { canonicalJson, sha256 } from './canonical.js';

const chartDigests = new Map<string, string>();

/** Every file under the chart (following symlinks, as helm does), by relative path and content. */
export function chartDigest(chartDir: string): string {
  let digest = chartDigests.get(chartDir);
  if (!digest) {
    const hash = createHash('sha256');
    const walk = (dir: string, rel: string) => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        const relPath = rel ? `${rel}/${name}` : name;
        if (statSync(path).isDirectory()) walk(path, relPath);
        else hash.update(`${relPath}\0`).update(readFileSync(path)).update('\0');
      }
    };
    walk(chartDir, '');
    digest = hash.digest('hex');
    chartDigests.set(chartDir, digest);
  }
  return digest;
}

export function releaseInputDigest(
  rel: { name: string; namespace: string; chartDir: string },
  values: Record<string, unknown>,
): string {
  return sha256(
    [chartDigest(rel.chartDir), rel.name, rel.namespace, pinnedVersion('helm'), canonicalJson(values)].join(
      '\n',
    ),
  );
}
