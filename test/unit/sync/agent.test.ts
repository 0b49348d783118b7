// The loop around decide() (core/sync/agent.ts) with the recording git fake and recording ports:
// what it fetches, inspects, deploys and checks, pass by pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type AgentPorts, type PortResult, SyncAgent } from '../../../core/sync/agent.js';
import type { SyncEvent } from '../../../core/sync/states.js';
import { FakeGit } from '../../helpers/fake-git.js';

function harness(opts: { drift?: 'warn' | 'correct' } = {}) {
  const git = new FakeGit();
  const calls: string[] = [];
  const inputs = new Map<string, string>([['c1', 'd1']]);
  const invalid = new Map<string, string>();
  let deployResult: PortResult = { ok: true };
  let drifted = 0;
  const ports: AgentPorts = {
    git,
    async inspect(_tree, commit) {
      calls.push(`inspect ${commit}`);
      const why = invalid.get(commit);
      return why
        ? { invalid: why }
        : { inputs: inputs.get(commit) ?? commit, pin: '1.0.0', allowDowngrade: false };
    },
    async deploy(tree, commit, why) {
      calls.push(`deploy ${commit} ${why} ${tree}`);
      return deployResult;
    },
    async drift() {
      calls.push('drift');
      return { objects: drifted };
    },
    async upgrade() {
      return { ok: false, cause: 'invalid', reason: 'no' };
    },
  };
  const events: SyncEvent[] = [];
  let clock = 0;
  const agent = new SyncAgent(
    ports,
    { coreVersion: '1.0.0', drift: opts.drift ?? 'warn', backoffBaseMs: 1000, backoffCapMs: 4000 },
    { event: (e) => events.push(e) },
    () => clock,
  );
  return {
    git,
    calls,
    inputs,
    invalid,
    events,
    agent,
    setDeploy: (r: PortResult) => {
      deployResult = r;
    },
    setDrift: (n: number) => {
      drifted = n;
    },
    tick: (ms: number) => {
      clock += ms;
    },
  };
}

test('first pass: fetch, inspect, deploy; ready afterwards; the next pass only checks drift', async () => {
  const h = harness();
  assert.is(h.agent.ready, false);
  await h.agent.trigger('start');
  assert.is(h.agent.ready, true);
  assert.equal(h.calls, ['inspect c1', 'deploy c1 commit /tree/c1']);
  assert.equal(h.agent.status().deployed, { commit: 'c1' });
  h.calls.length = 0;
  await h.agent.trigger('interval');
  assert.equal(h.calls, ['drift']);
  assert.equal(h.git.calls.filter((c) => c === 'fetch').length, 2);
});

test('a commit with the same inputs: inspected, not deployed', async () => {
  const h = harness();
  await h.agent.trigger('start');
  h.git.head = 'c2';
  h.inputs.set('c2', 'd1');
  h.calls.length = 0;
  await h.agent.trigger('interval');
  assert.equal(h.calls, ['inspect c2', 'drift']);
  assert.equal(h.agent.status().deployed, { commit: 'c2' });
});

test('an invalid commit keeps the last good; status names it; the next good commit deploys', async () => {
  const h = harness();
  await h.agent.trigger('start');
  h.git.head = 'c2';
  h.invalid.set('c2', 'check failed: 1 violation');
  await h.agent.trigger('interval');
  const s = h.agent.status();
  assert.is(s.state, 'Invalid');
  assert.equal(s.invalid, { commit: 'c2', reason: 'check failed: 1 violation' });
  assert.equal(s.deployed, { commit: 'c1' });
  h.calls.length = 0;
  await h.agent.trigger('interval');
  assert.equal(h.calls, ['drift'], 'not inspected again');
  h.git.head = 'c3';
  await h.agent.trigger('interval');
  assert.equal(h.calls, ['drift', 'inspect c3', 'deploy c3 commit /tree/c3']);
  assert.is(h.agent.status().state, 'Idle');
});

test('an unsigned head (verify-commits) is refused before its values are read', async () => {
  const h = harness();
  h.git.unsigned.set('c1', 'commit c1 is not signed');
  await h.agent.trigger('start');
  assert.equal(h.calls, ['drift']);
  assert.equal(h.agent.status().invalid, { commit: 'c1', reason: 'commit c1 is not signed' });
});

test('git down: backs off; the interval waits out the backoff; back up: syncs', async () => {
  const h = harness();
  await h.agent.trigger('start');
  h.git.down = true;
  await h.agent.trigger('interval');
  assert.is(h.agent.status().state, 'BackingOff');
  const fetches = () => h.git.calls.filter((c) => c === 'fetch').length;
  const before = fetches();
  await h.agent.trigger('interval');
  assert.is(fetches(), before, 'within the backoff nothing is fetched');
  h.tick(2000);
  h.git.down = false;
  h.git.head = 'c2';
  await h.agent.trigger('interval');
  assert.is(h.agent.status().state, 'Idle');
  assert.equal(h.agent.status().deployed, { commit: 'c2' });
});

test('a failed deploy is retried after its backoff, then succeeds', async () => {
  const h = harness();
  h.setDeploy({ ok: false, cause: 'deploy', reason: '10-base/a: not ready' });
  await h.agent.trigger('start');
  assert.is(h.agent.status().state, 'Failed');
  assert.is(h.agent.status().failure?.reason, '10-base/a: not ready');
  h.setDeploy({ ok: true });
  await h.agent.trigger('interval');
  assert.is(h.agent.status().state, 'Failed', 'still waiting');
  h.tick(1500);
  h.calls.length = 0;
  await h.agent.trigger('interval');
  assert.equal(h.calls, ['inspect c1', 'deploy c1 retry /tree/c1']);
  assert.is(h.agent.status().state, 'Idle');
});

test('a force-push is an event and the new head deploys', async () => {
  const h = harness();
  await h.agent.trigger('start');
  h.git.head = 'c9';
  h.git.rewritten = true;
  await h.agent.trigger('hook');
  assert.ok(h.events.some((e) => e.kind === 'fetched' && e.rewritten));
  assert.equal(h.agent.status().deployed, { commit: 'c9' });
});

test('drift: warn reports, correct deploys the last good commit again', async () => {
  const warn = harness();
  await warn.agent.trigger('start');
  warn.setDrift(2);
  await warn.agent.trigger('interval');
  assert.is(warn.agent.status().state, 'Drifted');
  assert.is(warn.agent.status().drifted, 2);

  const fix = harness({ drift: 'correct' });
  await fix.agent.trigger('start');
  fix.setDrift(2);
  fix.calls.length = 0;
  await fix.agent.trigger('interval');
  assert.equal(fix.calls, ['drift', 'deploy c1 drift /tree/c1']);
  assert.is(fix.agent.status().state, 'Idle');
});

test('a hook during a pass runs one more pass after it, never two at once', async () => {
  const h = harness();
  let inFlight = 0;
  let most = 0;
  const inner = h.git.fetch.bind(h.git);
  h.git.fetch = async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    return inner();
  };
  const a = h.agent.trigger('start');
  const b = h.agent.trigger('hook');
  const c = h.agent.trigger('hook');
  await Promise.all([a, b, c]);
  assert.is(most, 1);
  assert.is(h.git.calls.filter((x) => x === 'fetch').length, 2, 'the first pass and one more');
});

test.run();
