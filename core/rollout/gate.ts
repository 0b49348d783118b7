// The health gate of a stage, pure: what one reading of a cluster (its releases, readiness, drift
// and deploy records) says about it. Everything that fails is listed, each with where and why.
import type { Gate } from './plan.js';

export interface ReleaseReading {
  runlevel: string;
  release: string;
  ready: boolean;
  /** in-sync | out-of-sync | drifted | failed | not-deployed (the status page's words). */
  state: string;
  /** Kind/name: state of each gated object that is not ready. */
  notReady: string[];
}

export interface DeployReading {
  id: string;
  command: string;
  started: string;
  outcome: string;
  coreVersion: string;
  failure?: { runlevel?: string; release?: string; step: string; message: string };
}

/** One reading of a cluster; `reachable: false` when its API server did not answer in time. */
export interface GateReading {
  cluster: string;
  reachable: boolean;
  /** Why it could not be read (unreachable, or its status failed). */
  error?: string;
  releases: ReleaseReading[];
  deploys: DeployReading[];
}

export type GateReasonKind =
  | 'unreachable'
  | 'unreadable'
  | 'not-ready'
  | 'drifted'
  | 'failed-release'
  | 'failed-deploy'
  // promote only: the stage before has not run the promoted core long enough
  | 'not-deployed'
  | 'other-core'
  | 'not-soaked';

export interface GateReason {
  kind: GateReasonKind;
  runlevel?: string;
  release?: string;
  message: string;
}

export interface GateVerdict {
  cluster: string;
  holds: boolean;
  reasons: GateReason[];
}

/** `since`: ISO time from which a failed deploy counts (the stage's start). */
export function gateVerdict(reading: GateReading, gate: Gate, since: string): GateVerdict {
  const reasons: GateReason[] = [];
  if (!reading.reachable) {
    reasons.push({ kind: 'unreachable', message: `unreachable: ${reading.error ?? 'no answer'}` });
    return { cluster: reading.cluster, holds: false, reasons };
  }
  if (reading.error !== undefined) {
    reasons.push({ kind: 'unreadable', message: `status not read: ${reading.error}` });
    return { cluster: reading.cluster, holds: false, reasons };
  }
  for (const r of reading.releases) {
    const at = { runlevel: r.runlevel, release: r.release };
    if (r.state === 'failed') {
      reasons.push({ kind: 'failed-release', ...at, message: `${r.release} failed in helm` });
      continue;
    }
    if (gate.noDrift && r.state !== 'in-sync') {
      reasons.push({ kind: 'drifted', ...at, message: `${r.release} is ${r.state}` });
    }
    if (gate.ready && r.state !== 'not-deployed' && !r.ready) {
      const what = r.notReady.length > 0 ? `: ${r.notReady.join(', ')}` : '';
      reasons.push({ kind: 'not-ready', ...at, message: `${r.release} not ready${what}` });
    }
  }
  if (gate.noFailedDeploy) {
    const from = Date.parse(since);
    for (const d of reading.deploys) {
      if (
        d.command !== 'deploy' ||
        d.outcome === 'succeeded' ||
        d.outcome === 'running' ||
        Date.parse(d.started) < from
      )
        continue;
      const where = [d.failure?.runlevel, d.failure?.release].filter(Boolean).join(' / ');
      reasons.push({
        kind: 'failed-deploy',
        ...(d.failure?.runlevel ? { runlevel: d.failure.runlevel } : {}),
        ...(d.failure?.release ? { release: d.failure.release } : {}),
        message: `deploy ${d.id} ${d.outcome}${where ? ` at ${where}` : ''}${d.failure ? `: ${d.failure.message}` : ''}`,
      });
    }
  }
  return { cluster: reading.cluster, holds: reasons.length === 0, reasons };
}
