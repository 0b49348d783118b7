// A fleet row from a cluster's status: the summary a fleet page and `runlevel fleet status` show.
import type { ClusterStatus, FleetRow } from './types.js';

/** A row from a cluster's full status: healthy only when every release is in sync and ready. */
export function fleetRowOf(s: ClusterStatus): Omit<FleetRow, 'cluster' | 'environment' | 'tookMs'> {
  const last = s.deploys.find((d) => d.command === 'deploy');
  const allReady = s.runlevels.every((rl) => rl.releases.every((r) => r.ready));
  const healthy = s.inSync && allReady && (last === undefined || last.outcome === 'succeeded');
  const d = last;
  return {
    reachable: true,
    health: healthy ? 'healthy' : 'degraded',
    core: { pinned: s.core.pinned ?? '', ...(s.core.deployed ? { deployed: s.core.deployed } : {}) },
    ...(s.commit.deployed ? { commit: s.commit.deployed } : {}),
    counts: s.counts,
    ...(d
      ? {
          lastDeploy: {
            started: d.started,
            outcome: d.outcome,
            ...(d.seconds !== undefined ? { seconds: d.seconds } : {}),
            ...(d.failure
              ? {
                  failedAt:
                    [d.failure.runlevel, d.failure.release].filter(Boolean).join('/') || d.failure.step,
                }
              : {}),
          },
        }
      : {}),
  };
}
