// The plan of a render already made (the one a deploy just applied) against the cluster as it is
// now: the record, helm's list, the stored manifests and the live objects read again, nothing
// rendered again. A rollout's gate reads each cluster this way after deploying it.
import type { ClusterPlan } from '../deploy/index.js';
import { liveDrift } from './live-drift.js';
import type { AgainstCluster, ClusterConnection } from './pipeline.js';

export async function planRendered(conn: ClusterConnection, step: AgainstCluster): Promise<ClusterPlan> {
  const [{ readDeployedState }, { planAgainst }, { detectDrift }] = await Promise.all([
    import('../deploy/stored.js'),
    import('../deploy/index.js'),
    import('../drift/index.js'),
  ]);
  // The state the deploy read before it ran is stale now: drift compares the live objects with the
  // manifests helm stores for the revisions the deploy made, read here (and fails when unreadable,
  // as status does: a gate must not pass on what it could not see).
  const [state, helm] = await Promise.all([readDeployedState(conn.store), conn.helm.list()]);
  const input = {
    ...step.input,
    force: false,
    drift: liveDrift(state, step.resolved, conn.store, detectDrift, 'fail'),
  };
  return planAgainst(conn, input, { record: state.record, helm: Promise.resolve(helm) });
}
