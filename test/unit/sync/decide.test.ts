// The sync agent's decision (core/sync/decide.ts): every state and every transition, as data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffMs, decide } from '../../../core/sync/decide.js';
import {
  initialMemory,
  type Observation,
  type SyncMemory,
  type SyncPolicy,
  SyncState,
} from '../../../core/sync/states.js';

const policy: SyncPolicy = { coreVersion: '1.2.0', drift: 'warn', backoffBaseMs: 1000, backoffCapMs: 8000 };
const correct: SyncPolicy = { ...policy, drift: 'correct' };
const now = 1_000_000;

const good: SyncMemory = {
  state: SyncState.Idle,
  head: 'c1',
  deployed: { commit: 'c1', inputs: 'd1' },
  drifted: 0,
};

const inspected = (commit: string, inputs: string, pin = '1.2.0', allowDowngrade = false): Observation => ({
  kind: 'inspected',
  commit,
  inputs,
  pin,
  allowDowngrade,
  now,
});

test('start: the first trigger fetches', () => {
  const d = decide(initialMemory, { kind: 'trigger', by: 'start', now }, policy);
  assert.is(d.memory.state, SyncState.Fetching);
  assert.equal(d.action, { kind: 'fetch' });
  assert.equal(d.events, [{ kind: 'state', from: 'Idle', to: 'Fetching' }]);
});

test('fetched a new head: its inputs are inspected', () => {
  const d = decide(
    { ...good, state: SyncState.Fetching },
    { kind: 'fetched', commit: 'c2', rewritten: false, now },
    policy,
  );
  assert.equal(d.action, { kind: 'inspect', commit: 'c2' });
  assert.is(d.memory.head, 'c2');
  assert.equal(d.events, [{ kind: 'fetched', commit: 'c2', rewritten: false }]);
});

test('fetched the deployed head again: only drift is checked', () => {
  const d = decide(
    { ...good, state: SyncState.Fetching },
    { kind: 'fetched', commit: 'c1', rewritten: false, now },
    policy,
  );
  assert.is(d.memory.state, SyncState.Idle);
  assert.equal(d.action, { kind: 'check-drift' });
});

test('a force-push: the event says history was rewritten and the new head is inspected', () => {
  const d = decide(
    { ...good, state: SyncState.Fetching },
    { kind: 'fetched', commit: 'c9', rewritten: true, now },
    policy,
  );
  assert.equal(d.events[0], { kind: 'fetched', commit: 'c9', rewritten: true });
  assert.equal(d.action, { kind: 'inspect', commit: 'c9' });
});

test('a commit that does not change the inputs is skipped without rendering; it becomes the last good', () => {
  const d = decide({ ...good, state: SyncState.Fetching }, inspected('c2', 'd1'), policy);
  assert.is(d.memory.state, SyncState.Idle);
  assert.equal(d.memory.deployed, { commit: 'c2', inputs: 'd1' });
  assert.equal(d.action, { kind: 'check-drift' });
  assert.ok(d.events.some((e) => e.kind === 'skipped'));
});

test('a commit with new inputs deploys it', () => {
  const d = decide({ ...good, state: SyncState.Fetching }, inspected('c2', 'd2'), policy);
  assert.is(d.memory.state, SyncState.Deploying);
  assert.equal(d.action, { kind: 'deploy', commit: 'c2', inputs: 'd2', why: 'commit' });
});

test('the first commit an agent sees is deployed (it knows no inputs yet)', () => {
  const d = decide({ ...initialMemory, state: SyncState.Fetching }, inspected('c1', 'd1'), policy);
  assert.equal(d.action, { kind: 'deploy', commit: 'c1', inputs: 'd1', why: 'commit' });
});

test('deployed: Idle, the commit is the last good, failures and its own invalid mark cleared', () => {
  const m: SyncMemory = {
    ...good,
    state: SyncState.Deploying,
    failure: { cause: 'deploy', commit: 'c2', reason: 'x', attempts: 2, retryAt: now },
    drifted: 3,
  };
  const d = decide(m, { kind: 'deployed', commit: 'c2', inputs: 'd2', now }, policy);
  assert.is(d.memory.state, SyncState.Idle);
  assert.equal(d.memory.deployed, { commit: 'c2', inputs: 'd2' });
  assert.is(d.memory.failure, undefined);
  assert.is(d.memory.drifted, 0);
  assert.equal(d.action, { kind: 'wait' });
});

test('deployed: a newer good commit clears the refused one; a repair of the last good keeps it', () => {
  const m: SyncMemory = {
    ...good,
    state: SyncState.Deploying,
    head: 'c3',
    invalid: { commit: 'c2', reason: 'r' },
  };
  assert.is(
    decide(m, { kind: 'deployed', commit: 'c3', inputs: 'd3', now }, policy).memory.invalid,
    undefined,
  );
  const repairing: SyncMemory = {
    ...good,
    state: SyncState.Deploying,
    head: 'c2',
    invalid: { commit: 'c2', reason: 'r' },
  };
  const d = decide(repairing, { kind: 'deployed', commit: 'c1', inputs: 'd1', now }, correct);
  assert.equal(d.memory.invalid, { commit: 'c2', reason: 'r' });
});

test('an invalid commit: the last good stays, the commit and reason are kept, drift still checked', () => {
  const d = decide(
    { ...good, state: SyncState.Deploying },
    { kind: 'rejected', commit: 'c2', reason: 'check failed: 1 violation', now },
    policy,
  );
  assert.is(d.memory.state, SyncState.Invalid);
  assert.equal(d.memory.deployed, good.deployed);
  assert.equal(d.memory.invalid, { commit: 'c2', reason: 'check failed: 1 violation' });
  assert.equal(d.action, { kind: 'check-drift' });
  assert.equal(d.events[1], { kind: 'invalid', commit: 'c2', reason: 'check failed: 1 violation' });
});

test('the invalid head fetched again is not retried; a drift pass then keeps Invalid', () => {
  const m: SyncMemory = { ...good, state: SyncState.Fetching, invalid: { commit: 'c2', reason: 'r' } };
  const d = decide(m, { kind: 'fetched', commit: 'c2', rewritten: false, now }, policy);
  assert.is(d.memory.state, SyncState.Invalid);
  assert.equal(d.action, { kind: 'check-drift' });
  const after = decide(d.memory, { kind: 'drift', objects: 0, now }, policy);
  assert.is(after.memory.state, SyncState.Invalid);
  assert.equal(after.action, { kind: 'wait' });
});

test('a newer commit after an invalid one is inspected, and deploying it clears the mark', () => {
  const m: SyncMemory = { ...good, state: SyncState.Fetching, invalid: { commit: 'c2', reason: 'r' } };
  const d = decide(m, { kind: 'fetched', commit: 'c3', rewritten: false, now }, policy);
  assert.equal(d.action, { kind: 'inspect', commit: 'c3' });
  const skipped = decide(d.memory, inspected('c3', 'd1'), policy);
  assert.is(skipped.memory.invalid, undefined, 'a good commit after it: no longer the head');
});

test('a deploy failure: Failed, retried after an exponential backoff with a cap', () => {
  let m: SyncMemory = { ...good, state: SyncState.Deploying };
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    const d = decide(
      m,
      { kind: 'deploy-failed', commit: 'c2', reason: 'timeout', cause: 'deploy', now },
      policy,
    );
    assert.is(d.memory.state, SyncState.Failed);
    assert.equal(d.action, { kind: 'wait' });
    waits.push((d.memory.failure?.retryAt ?? 0) - now);
    m = { ...d.memory, state: SyncState.Deploying };
  }
  assert.equal(waits, [1000, 2000, 4000, 8000, 8000, 8000]);
  assert.is(m.failure?.attempts, 6);
});

test('Failed: the interval before the retry time waits; after it the same commit is deployed again', () => {
  const failed: SyncMemory = {
    ...good,
    state: SyncState.Failed,
    head: 'c2',
    failure: { cause: 'deploy', commit: 'c2', reason: 'x', attempts: 1, retryAt: now + 1000 },
  };
  assert.equal(decide(failed, { kind: 'trigger', by: 'interval', now }, policy).action, { kind: 'wait' });
  const later = now + 2000;
  const f = decide(failed, { kind: 'trigger', by: 'interval', now: later }, policy);
  assert.equal(f.action, { kind: 'fetch' });
  const i = decide(f.memory, { kind: 'fetched', commit: 'c2', rewritten: false, now: later }, policy);
  assert.equal(i.action, { kind: 'inspect', commit: 'c2' });
  const d = decide(i.memory, { ...inspected('c2', 'd1'), now: later }, policy);
  assert.equal(
    d.action,
    { kind: 'deploy', commit: 'c2', inputs: 'd1', why: 'retry' },
    'retried even with old inputs',
  );
});

test('Failed: a hook fetches at once; a newer commit deploys without waiting, the same one waits', () => {
  const failed: SyncMemory = {
    ...good,
    state: SyncState.Failed,
    failure: { cause: 'deploy', commit: 'c2', reason: 'x', attempts: 1, retryAt: now + 1000 },
  };
  const f = decide(failed, { kind: 'trigger', by: 'hook', now }, policy);
  assert.equal(f.action, { kind: 'fetch' });
  const same = decide(f.memory, { kind: 'fetched', commit: 'c2', rewritten: false, now }, policy);
  assert.equal(same.action, { kind: 'wait' });
  assert.is(same.memory.state, SyncState.Failed, 'back to Failed, not left in Fetching');
  assert.equal(decide(f.memory, { kind: 'fetched', commit: 'c3', rewritten: false, now }, policy).action, {
    kind: 'inspect',
    commit: 'c3',
  });
});

test('git unreachable: BackingOff with growing waits; reaching it again ends the git backoff', () => {
  let m: SyncMemory = { ...good, state: SyncState.Fetching };
  for (let i = 1; i <= 3; i++) {
    const d = decide(m, { kind: 'fetch-failed', reason: 'connection refused', now }, policy);
    assert.is(d.memory.state, SyncState.BackingOff);
    assert.is(d.memory.failure?.attempts, i);
    assert.equal(d.events.at(-1), { kind: 'backoff', seconds: 2 ** (i - 1), attempts: i });
    m = d.memory;
  }
  assert.equal(decide(m, { kind: 'trigger', by: 'interval', now }, policy).action, { kind: 'wait' });
  const f = decide(m, { kind: 'trigger', by: 'interval', now: now + 10_000 }, policy);
  const back = decide(
    f.memory,
    { kind: 'fetched', commit: 'c1', rewritten: false, now: now + 10_000 },
    policy,
  );
  assert.is(back.memory.failure, undefined);
  assert.is(back.memory.state, SyncState.Idle);
});

test('API unreachable while deploying or checking drift: BackingOff, the last good kept', () => {
  const d = decide(
    { ...good, state: SyncState.Deploying },
    { kind: 'deploy-failed', commit: 'c2', reason: 'ECONNREFUSED', cause: 'api', now },
    policy,
  );
  assert.is(d.memory.state, SyncState.BackingOff);
  assert.equal(d.memory.deployed, good.deployed);
  const drift = decide(good, { kind: 'drift-failed', reason: 'ECONNREFUSED', now }, policy);
  assert.is(drift.memory.state, SyncState.BackingOff);
  assert.is(drift.memory.failure?.cause, 'api');
});

test('another run holds the lock: BackingOff (never both), retried', () => {
  const d = decide(
    { ...good, state: SyncState.Deploying },
    { kind: 'deploy-failed', commit: 'c2', reason: 'lock held', cause: 'lock', now },
    policy,
  );
  assert.is(d.memory.state, SyncState.BackingOff);
  assert.is(d.memory.failure?.cause, 'lock');
});

test('drift, warn: Drifted, nothing deployed; a clean pass returns to Idle', () => {
  const d = decide(good, { kind: 'drift', objects: 2, now }, policy);
  assert.is(d.memory.state, SyncState.Drifted);
  assert.is(d.memory.drifted, 2);
  assert.equal(d.action, { kind: 'wait' });
  assert.equal(d.events.at(-1), { kind: 'drift', objects: 2, mode: 'warn' });
  const clean = decide(d.memory, { kind: 'drift', objects: 0, now }, policy);
  assert.is(clean.memory.state, SyncState.Idle);
});

test('drift, correct: the last good commit is deployed again to repair it', () => {
  const d = decide(good, { kind: 'drift', objects: 2, now }, correct);
  assert.is(d.memory.state, SyncState.Deploying);
  assert.equal(d.action, { kind: 'deploy', commit: 'c1', inputs: 'd1', why: 'drift' });
});

test('drift, correct, but nothing deployed by this agent yet: reported only', () => {
  const d = decide({ ...initialMemory }, { kind: 'drift', objects: 1, now }, correct);
  assert.is(d.memory.state, SyncState.Drifted);
});

test('pin moved up: Upgrading, hand over to the new core', () => {
  const d = decide({ ...good, state: SyncState.Fetching }, inspected('c2', 'd2', '1.3.0'), policy);
  assert.is(d.memory.state, SyncState.Upgrading);
  assert.equal(d.action, { kind: 'upgrade', commit: 'c2', to: '1.3.0' });
  assert.ok(d.events.some((e) => e.kind === 'upgrade'));
});

test('pin moved down: refused unless the commit allows the downgrade', () => {
  const refused = decide({ ...good, state: SyncState.Fetching }, inspected('c2', 'd2', '1.1.0'), policy);
  assert.is(refused.memory.state, SyncState.Invalid);
  assert.match(
    refused.memory.invalid?.reason ?? '',
    "it pins core 1.1.0, older than this agent's 1.2.0: a downgrade is refused unless the commit also sets allowDowngrade: true under this cluster in runlevel.yaml",
  );
  const allowed = decide(
    { ...good, state: SyncState.Fetching },
    inspected('c2', 'd2', '1.1.0', true),
    policy,
  );
  assert.equal(allowed.action, { kind: 'upgrade', commit: 'c2', to: '1.1.0' });
});

test('a pin that is not a release is invalid', () => {
  const d = decide({ ...good, state: SyncState.Fetching }, inspected('c2', 'd2', 'latest'), policy);
  assert.is(d.memory.state, SyncState.Invalid);
  assert.match(d.memory.invalid?.reason ?? '', /not a release/);
});

test('the upgrade refused (version missing or unsigned): Invalid, the old agent keeps running', () => {
  const d = decide(
    { ...good, state: SyncState.Upgrading },
    { kind: 'upgrade-failed', commit: 'c2', reason: 'runlevel:1.3.0 is not in the mirror', now },
    policy,
  );
  assert.is(d.memory.state, SyncState.Invalid);
  assert.equal(d.memory.deployed, good.deployed);
});

test('handed over: Upgrading, and no trigger makes the old core fetch or deploy again', () => {
  const d = decide(
    { ...good, state: SyncState.Upgrading },
    { kind: 'handed-over', commit: 'c2', image: 'runlevel@sha256:ab', now },
    policy,
  );
  assert.is(d.memory.state, SyncState.Upgrading);
  assert.equal(d.action, { kind: 'wait' });
  assert.equal(d.events, [{ kind: 'handed-over', commit: 'c2', image: 'runlevel@sha256:ab' }]);
  assert.equal(decide(d.memory, { kind: 'trigger', by: 'hook', now }, policy).action, { kind: 'wait' });
});

test('backoff: doubles from the base and stops at the cap', () => {
  assert.equal(
    [1, 2, 3, 4, 50].map((n) => backoffMs(n, policy)),
    [1000, 2000, 4000, 8000, 8000],
  );
});

test('every state is reached by some transition', () => {
  const reached = new Set<string>();
  const all: [SyncMemory, Observation, SyncPolicy][] = [
    [initialMemory, { kind: 'trigger', by: 'start', now }, policy],
    [good, { kind: 'drift', objects: 0, now }, policy],
    [good, { kind: 'rejected', commit: 'c2', reason: 'r', now }, policy],
    [good, inspected('c2', 'd2'), policy],
    [good, { kind: 'deploy-failed', commit: 'c2', reason: 'r', cause: 'deploy', now }, policy],
    [good, { kind: 'fetch-failed', reason: 'r', now }, policy],
    [good, { kind: 'drift', objects: 1, now }, policy],
    [good, inspected('c2', 'd2', '2.0.0'), policy],
  ];
  for (const [m, o, p] of all) reached.add(decide(m, o, p).memory.state);
  assert.equal([...reached].sort(), Object.values(SyncState).sort());
});

test.run();
