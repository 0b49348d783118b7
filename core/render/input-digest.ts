// What a release's rendered output depends on, digested without rendering it: the chart's files,
// the release's name and namespace, its merged values, the pinned helm and the target Kubernetes
// version (charts branch on it). The same input digest means the same manifests: a deploy can take
// an unchanged release's manifests from what helm stored instead of rendering it again. The API
// versions are left out on purpose: they grow as releases install CRDs, and a digest that changed
// with them would redeploy the whole platform after every deploy that added one. A chart using
// lookup or randomness renders differently each time anyway; what helm stored is then the truth.
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
  kubeVersion = pinnedVersion('kube-apiserver'),
  /** The registry-mirror rewrite applied after helm (its mirror, lock and fields change the output). */
  imageRewrite?: unknown,
): string {
  return sha256(
    [
      chartDigest(rel.chartDir),
      rel.name,
      rel.namespace,
      pinnedVersion('helm'),
      kubeVersion,
      canonicalJson(values),
      ...(imageRewrite === undefined ? [] : [canonicalJson(imageRewrite)]),
    ].join('\n'),
  );
}
