// The cluster's Kubernetes version and API versions, read the way helm's discovery reads them
// (groups, then each group/version's resources), so a render with these capabilities is the
// render `helm upgrade` will make on that cluster.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Capabilities } from './helm.js';
import { type RetryOptions, withRetry } from './kube.js';
import { kubeGet } from './kube-get.js';

export async function discoverCapabilities(kc: KubeConfig, retry?: RetryOptions): Promise<Capabilities> {
  // Raw GETs over a few kept-alive connections (kube-get.ts): some thirty requests at once, which
  // client-node would send over as many new TLS connections.
  const get = kubeGet(kc);
  const [version, core, apis] = await Promise.all([
    withRetry('read the Kubernetes version', () => get('/version') as Promise<{ gitVersion: string }>, retry),
    withRetry('discover the core API', () => get('/api/v1') as Promise<ResourceList>, retry),
    withRetry('discover API groups', () => get('/apis') as Promise<GroupList>, retry),
  ]);
  const out = new Set<string>(['v1', ...(core.resources ?? []).map((r) => `v1/${r.kind}`)]);
  const versions = (apis.groups ?? []).flatMap((g) => g.versions ?? []);
  await Promise.all(
    versions.map(async (v) => {
      out.add(v.groupVersion);
      // A group/version that does not answer (an aggregated API whose backend is down) is left
      // out, as helm's discovery leaves it out.
      const list = (await get(`/apis/${v.groupVersion}`).catch(() => undefined)) as ResourceList | undefined;
      for (const r of list?.resources ?? []) out.add(`${v.groupVersion}/${r.kind}`);
    }),
  );
  return { kubeVersion: version.gitVersion, apiVersions: [...out].sort() };
}

interface ResourceList {
  resources?: { kind: string }[];
}

interface GroupList {
  groups?: { name: string; versions?: { groupVersion: string; version: string }[] }[];
}
