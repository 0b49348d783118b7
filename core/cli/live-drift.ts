// The drift check a plan carries: shared by the plan made with a fresh render (pipeline.ts) and
// the plan of a render already made, read again after a deploy (replan.ts).
import type { ClusterStore } from '../deploy/cluster.js';
import type { PlanInput } from '../deploy/index.js';
import type { DeployedState } from '../deploy/stored.js';
import { log } from '../shared/log.js';
import type { Resolved } from '../values/index.js';

/**
 * The drift check of a plan: the live objects of each release against the manifest helm stored
 * with its deployed revision, exactly what was applied (a new render of a chart that draws random
 * values or looks the cluster up would differ from it without any drift). When the objects cannot
 * be read, diff and status (asked to compare) fail; a deploy warns and goes on with what the
 * values changed, as it did before drift was checked.
 */
export function liveDrift(
  state: DeployedState | undefined,
  resolved: Resolved,
  store: ClusterStore,
  detect: typeof import('../drift/index.js').detectDrift,
  onError: 'fail' | 'warn',
): PlanInput['drift'] {
  const ignore = resolved.values.platform.drift.ignore;
  return async (planned) => {
    if (!state) {
      log.warn('live drift not checked: the deployed manifests could not be read');
      return new Map();
    }
    const subjects = planned.flatMap(({ release, previousRevision }) => {
      const key = `${release.namespace}/${release.name}`;
      const stored = state.stored.get(key);
      // Another deploy since the state was read: its manifest is not the one to compare with.
      if (!stored || stored.revision !== previousRevision) return [];
      return [{ key, namespace: release.namespace, manifest: stored.manifest }];
    });
    return detect(subjects, store, ignore).catch((err: Error) => {
      if (onError === 'fail') throw err;
      log.warn(`live drift not checked: ${err.message}`);
      return new Map();
    });
  };
}
