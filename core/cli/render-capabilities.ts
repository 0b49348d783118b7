// What a render targets, apart from the pipeline: `runlevel template` needs only this, and the
// pipeline's deploy half loads the Kubernetes client (6 MB of the bundle, 0.1–0.2 s to load).
import { platformChartCrds } from '../check/platform-crds.js';
import { targetCapabilities } from '../render/capabilities.js';
import type { Capabilities } from '../shared/helm.js';
import type { Resolved } from '../values/index.js';

/**
 * What the charts render for (helm's .Capabilities): the connected cluster's version and API
 * versions when there is one, else the values' `cluster.kubernetesVersion`/`apiVersions`, else
 * the pinned Kubernetes; plus the API versions of every CRD the platform's charts install.
 */
export function renderCapabilities(resolved: Resolved, live?: Capabilities): Capabilities {
  return targetCapabilities({ settings: resolved.values.cluster, live, platformCrds: platformChartCrds() });
}
