// The cluster's Kubernetes version and API versions, read the way helm's discovery reads them
// (groups, then each group/version's resources), so a render with these capabilities is the
// render `helm upgrade` will make on that cluster.
import { ApisApi, CoreV1Api, CustomObjectsApi, type KubeConfig, VersionApi } from '@kubernetes/client-node';
import type { Capabilities } from './helm.js';
import { type RetryOptions, withRetry } from './kube.js';

export async function discoverCapabilities(kc: KubeConfig, retry?: RetryOptions): Promise<Capabilities> {
  const [version, core, apis] = await Promise.all([
    withRetry('read the Kubernetes version', () => kc.makeApiClient(VersionApi).getCode(), retry),
    withRetry('discover the core API', () => kc.makeApiClient(CoreV1Api).getAPIResources(), retry),
    withRetry('discover API groups', () => kc.makeApiClient(ApisApi).getAPIVersions(), retry),
  ]);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const out = new Set<string>(['v1', ...core.resources.map((r) => `v1/${r.kind}`)]);
  const versions = apis.groups.flatMap((g) => g.versions.map((v) => ({ group: g.name, ...v })));
  await Promise.all(
    versions.map(async (v) => {
      out.add(v.groupVersion);
      // A group/version that does not answer (an aggregated API whose backend is down) is left
      // out, as helm's discovery leaves it out.
      const list = await custom
        .getAPIResources({ group: v.group, version: v.version })
        .catch(() => undefined);
      for (const r of list?.resources ?? []) out.add(`${v.groupVersion}/${r.kind}`);
    }),
  );
  return { kubeVersion: version.gitVersion, apiVersions: [...out].sort() };
}
