// The agent's one decision, pure: what it knows and what it just saw → what it does next. Every
// state and transition is unit-tested here; the loop (agent.ts) only carries actions out.
import { compareVersions } from '../shared/versions.js';
import {
  type Action,
  type Decision,
  type Observation,
  type SyncEvent,
  type SyncMemory,
  type SyncPolicy,
  SyncState,
} from './states.js';

export function decide(memory: SyncMemory, seen: Observation, policy: SyncPolicy): Decision {
  const events: SyncEvent[] = [];
  const to = (next: Partial<SyncMemory> & { state: SyncState }, action: Action): Decision => {
    const m: SyncMemory = { ...memory, ...next };
    if (m.state !== memory.state) events.unshift({ kind: 'state', from: memory.state, to: m.state });
    return { memory: m, action, events };
  };
  const wait: Action = { kind: 'wait' };

  switch (seen.kind) {
    case 'trigger': {
      // Handed over: the new core deploys; this one must not (its core is not the pinned one).
      if (memory.state === SyncState.Upgrading) return to({ state: memory.state }, wait);
      // A backoff is honoured by the interval; a hook says something changed, so it looks now.
      const f = memory.failure;
      if (f && seen.by === 'interval' && seen.now < f.retryAt) return to({ state: memory.state }, wait);
      return to({ state: SyncState.Fetching }, { kind: 'fetch' });
    }

    case 'fetch-failed': {
      const failure = backoff(memory, policy, 'git', seen.reason, seen.now);
      events.push({ kind: 'failed', cause: 'git', reason: seen.reason }, backoffEvent(failure, seen.now));
      return to({ state: SyncState.BackingOff, failure }, wait);
    }

    case 'fetched': {
      events.push({ kind: 'fetched', commit: seen.commit, rewritten: seen.rewritten });
      const head = seen.commit;
      // Reached the remote again: a git backoff is over. A deploy failure keeps its own clock.
      const failure = memory.failure?.cause === 'git' ? undefined : memory.failure;
      if (memory.invalid?.commit === head) {
        return to({ state: SyncState.Invalid, head, failure }, { kind: 'check-drift' });
      }
      if (memory.deployed?.commit === head && !failure) {
        return to({ state: SyncState.Idle, head, failure }, { kind: 'check-drift' });
      }
      if (failure && failure.commit === head && seen.now < failure.retryAt) {
        const state = failure.cause === 'deploy' ? SyncState.Failed : SyncState.BackingOff;
        return to({ state, head, failure }, wait);
      }
      return to({ state: SyncState.Fetching, head, failure }, { kind: 'inspect', commit: head });
    }

    case 'inspected': {
      const order = seen.pin === policy.coreVersion ? 0 : compareVersions(seen.pin, policy.coreVersion);
      if (order === undefined) {
        return reject(
          memory,
          events,
          seen.commit,
          `it pins core "${seen.pin}", which is not a release (x.y.z)`,
        );
      }
      if (order < 0 && !seen.allowDowngrade) {
        return reject(
          memory,
          events,
          seen.commit,
          `it pins core ${seen.pin}, older than this agent's ${policy.coreVersion}: a downgrade is refused unless the commit also sets allowDowngrade: true under this cluster in runlevel.yaml (docs/gitops.md)`,
        );
      }
      if (order !== 0) {
        events.push({ kind: 'upgrade', commit: seen.commit, from: policy.coreVersion, to: seen.pin });
        return to({ state: SyncState.Upgrading }, { kind: 'upgrade', commit: seen.commit, to: seen.pin });
      }
      const retry = memory.failure?.commit === seen.commit;
      if (!retry && memory.deployed && memory.deployed.inputs === seen.inputs) {
        // The commit does not touch this cluster: nothing to render, the last deploy stands for it.
        events.push({ kind: 'skipped', commit: seen.commit, why: 'inputs unchanged' });
        return to(
          {
            state: SyncState.Idle,
            deployed: { commit: seen.commit, inputs: seen.inputs },
            invalid: undefined,
          },
          { kind: 'check-drift' },
        );
      }
      return to(
        { state: SyncState.Deploying },
        { kind: 'deploy', commit: seen.commit, inputs: seen.inputs, why: retry ? 'retry' : 'commit' },
      );
    }

    case 'rejected':
      return reject(memory, events, seen.commit, seen.reason);

    case 'deployed':
      events.push({ kind: 'deployed', commit: seen.commit });
      return to(
        {
          state: SyncState.Idle,
          deployed: { commit: seen.commit, inputs: seen.inputs },
          // A refused head stays reported only while it is the head and this deploy was not of it
          // (a drift repair of the last good commit); a newer good commit supersedes it.
          invalid:
            memory.invalid && memory.invalid.commit === memory.head && seen.commit !== memory.head
              ? memory.invalid
              : undefined,
          failure: undefined,
          drifted: 0,
        },
        wait,
      );

    case 'deploy-failed': {
      const failure = backoff(memory, policy, seen.cause, seen.reason, seen.now, seen.commit);
      events.push(
        { kind: 'failed', commit: seen.commit, cause: seen.cause, reason: seen.reason },
        backoffEvent(failure, seen.now),
      );
      const state = seen.cause === 'deploy' ? SyncState.Failed : SyncState.BackingOff;
      return to({ state, failure }, wait);
    }

    case 'drift': {
      if (seen.objects === 0) {
        const state =
          memory.invalid && memory.invalid.commit === memory.head ? SyncState.Invalid : SyncState.Idle;
        return to({ state, drifted: 0 }, wait);
      }
      events.push({ kind: 'drift', objects: seen.objects, mode: policy.drift });
      if (policy.drift === 'warn' || !memory.deployed) {
        return to({ state: SyncState.Drifted, drifted: seen.objects }, wait);
      }
      const { commit, inputs } = memory.deployed;
      return to(
        { state: SyncState.Deploying, drifted: seen.objects },
        { kind: 'deploy', commit, inputs, why: 'drift' },
      );
    }

    case 'drift-failed': {
      const failure = backoff(memory, policy, 'api', seen.reason, seen.now);
      events.push({ kind: 'failed', cause: 'api', reason: seen.reason }, backoffEvent(failure, seen.now));
      return to({ state: SyncState.BackingOff, failure }, wait);
    }

    case 'upgrade-failed':
      return reject(memory, events, seen.commit, seen.reason);

    case 'handed-over':
      events.push({ kind: 'handed-over', commit: seen.commit, image: seen.image });
      return to({ state: SyncState.Upgrading, head: seen.commit }, wait);
  }
}

/** Keep the last good commit deployed and do not try this one again until a newer one arrives. */
function reject(memory: SyncMemory, events: SyncEvent[], commit: string, reason: string): Decision {
  events.push({ kind: 'invalid', commit, reason });
  const m: SyncMemory = {
    ...memory,
    state: SyncState.Invalid,
    invalid: { commit, reason },
    failure: memory.failure?.commit === commit ? undefined : memory.failure,
  };
  if (memory.state !== SyncState.Invalid)
    events.unshift({ kind: 'state', from: memory.state, to: SyncState.Invalid });
  return { memory: m, action: { kind: 'check-drift' }, events };
}

/** Exponential backoff with a cap; the count goes on while the same cause (and commit) repeats. */
function backoff(
  memory: SyncMemory,
  policy: SyncPolicy,
  cause: NonNullable<SyncMemory['failure']>['cause'],
  reason: string,
  now: number,
  commit?: string,
): NonNullable<SyncMemory['failure']> {
  const prev = memory.failure;
  const attempts = prev && prev.cause === cause && prev.commit === commit ? prev.attempts + 1 : 1;
  return { cause, commit, reason, attempts, retryAt: now + backoffMs(attempts, policy) };
}

export function backoffMs(
  attempts: number,
  policy: Pick<SyncPolicy, 'backoffBaseMs' | 'backoffCapMs'>,
): number {
  return Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

function backoffEvent(failure: NonNullable<SyncMemory['failure']>, now: number): SyncEvent {
  return { kind: 'backoff', seconds: Math.round((failure.retryAt - now) / 1000), attempts: failure.attempts };
}
