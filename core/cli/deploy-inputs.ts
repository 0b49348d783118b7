// Every input of a deploy in one digest, and the check that the cluster is still as the last deploy
// with the same digest left it (deploy/unchanged.ts): then a no-op deploy skips planning, render
// and check. The digest covers the resolved values (secrets included: only their digest is kept,
// as the release digests already are), the image lock, the core (its version and the digest of its
// content and code), the cluster and its environment, the Kubernetes and API versions the render
// would use (the API versions only when a chart's templates read them), and the flags that change
// the outcome (--no-prune, --strict).

import type { ClusterRecord, DeployRecord } from '../deploy/record.js';
import { changedSince } from '../deploy/unchanged.js';
import { canonicalJson, sha256 } from '../render/canonical.js';
import { chartsReadCapabilities } from '../render/reads-capabilities.js';
import { coreContentDigest } from '../shared/core-digest.js';
import type { HelmRelease } from '../shared/helm.js';
import { shortError } from '../shared/kube.js';
import type { ClusterConnection, ReadAgainst } from './pipeline.js';

/** The digest, or undefined for a deploy that must not stand for the next one (--selector). */
export function deployInputs(
  read: ReadAgainst,
  o: {
    selectors: string[];
    prune: boolean;
    strict: boolean;
    coreVersion: string;
    /** Whether a chart template reads .Capabilities (render/reads-capabilities.ts); default: looked up. */
    apiVersionsRender?: boolean;
  },
): DeployRecord['inputs'] {
  if (o.selectors.length > 0) return undefined; // the rest of the platform was not deployed with these
  const { resolved, capabilities } = read;
  return sha256(
    canonicalJson({
      v: 1,
      cluster: resolved.cluster,
      environment: resolved.environment,
      coreVersion: o.coreVersion,
      core: coreContentDigest(),
      values: resolved.values,
      imageLock: resolved.imageLock?.digests ?? null,
      kubeVersion: capabilities.kubeVersion,
      // Only a template that reads .Capabilities renders by them: otherwise the CRDs a deploy
      // installs do not make the next deploy's inputs different.
      apiVersions:
        (o.apiVersionsRender ?? chartsReadCapabilities())
          ? [...capabilities.apiVersions].sort()
          : 'read by no chart',
      prune: o.prune,
      strict: o.strict,
    }),
  );
}

/**
 * Under the lock: why the cluster is not as the last deploy left it (undefined: it is). The record
 * and helm's list as they are now, then the live objects of every recorded release against the
 * manifest helm stored at that revision (the drift a full deploy would repair).
 */
export function verifyUnchanged(
  read: ReadAgainst,
  conn: ClusterConnection,
  inputs: string,
): (record: ClusterRecord, helm: HelmRelease[]) => Promise<string | undefined> {
  return async (record, helm) => {
    const why = changedSince(record, inputs, helm);
    if (why !== undefined) return why;
    const stored = read.state?.stored;
    if (!stored) return 'the deployed manifests were not read';
    const subjects = [];
    for (const [key, r] of Object.entries(record.releases)) {
      const s = stored.get(key);
      if (!s || s.revision !== r.revision) return `the stored manifest of ${key} changed since it was read`;
      subjects.push({ key, namespace: r.namespace, manifest: s.manifest });
    }
    const { detectDrift } = await import('../drift/index.js');
    try {
      const drift = await detectDrift(subjects, conn.store, read.resolved.values.platform.drift.ignore);
      return drift.size > 0 ? `live objects of ${[...drift.keys()].join(', ')} drifted` : undefined;
    } catch (err) {
      return `live objects not read (${shortError(err)})`;
    }
  };
}
