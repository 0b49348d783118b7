// runRollout with fake effects: validation before any change, stage order, parallel clusters,
// the soak read on a clock (sleeps, never a busy loop), each way it stops, and resume.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GateReading } from '../../../core/rollout/gate.js';
import { planRollout } from '../../../core/rollout/plan.js';
import { type DeployResult, type RolloutEvent, runRollout } from '../../../core/rollout/run.js';
import type { ServerIdentity } from '../../../core/rollout/same-server.js';
import type { Rollout } from '../../../core/values/types.generated.js';

const rollout: Rollout = {
  poll: '30s',
  stages: [
    { name: 'one', clusters: ['a'], soak: '1m' },
    { name: 'two', clusters: ['b', 'c'], soak: '0s' },
  ],
};

interface World {
  invalid?: Record<string, string>;
  deploy?: Record<string, DeployResult | Error>;
  /** Readings by cluster: the nth read of a cluster returns the nth (the last one after that). */
  readings?: Record<string, Partial<GateReading>[]>;
  interruptAfterSleeps?: number;
  /** What each cluster's kubeconfig reaches, over its own server; null: no answer. */
  servers?: Record<string, Partial<ServerIdentity> | null>;
}

function fakes(world: World = {}) {
  let now = Date.parse('2026-01-01T10:00:00.000Z');
  const calls: string[] = [];
  const sleeps: number[] = [];
  const events: RolloutEvent[] = [];
  const reads = new Map<string, number>();
  const deps = {
    validate: async (c: string) => {
      calls.push(`validate ${c}`);
      return world.invalid?.[c];
    },
    identify: async (c: string): Promise<ServerIdentity | undefined> => {
      const own = {
        cluster: c,
        kubeconfig: `/kube/${c}`,
        context: c,
        server: `https://${c}:6443`,
        uid: `uid-${c}`,
      };
      const s = world.servers?.[c];
      return s === null ? undefined : { ...own, ...s };
    },
    deploy: async (c: string, stage: string): Promise<DeployResult> => {
      calls.push(`deploy ${c} (${stage})`);
      const r = world.deploy?.[c];
      if (r instanceof Error) throw r;
      return r ?? { outcome: 'deployed', seconds: 1 };
    },
    read: async (c: string): Promise<GateReading> => {
      const n = reads.get(c) ?? 0;
      reads.set(c, n + 1);
      calls.push(`read ${c}`);
      const list = world.readings?.[c] ?? [{}];
      const r = list[Math.min(n, list.length - 1)] ?? {};
      return { cluster: c, reachable: true, releases: [], deploys: [], ...r };
    },
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    },
    emit: (e: RolloutEvent) => events.push(e),
    interrupted: () =>
      world.interruptAfterSleeps !== undefined && sleeps.length >= world.interruptAfterSleeps,
  };
  return { deps, calls, sleeps, events };
}

const states = (r: { clusters: { cluster: string; state: string }[] }) =>
  Object.fromEntries(r.clusters.map((c) => [c.cluster, c.state]));

test('all stages in order: validate all, deploy, soak in poll-sized sleeps, gate, next stage', async () => {
  const f = fakes();
  const r = await runRollout(planRollout(rollout), f.deps);
  assert.is(r.outcome, 'completed');
  assert.equal(states(r), { a: 'gate-held', b: 'gate-held', c: 'gate-held' });
  assert.equal(f.calls.slice(0, 3).sort(), ['validate a', 'validate b', 'validate c']);
  assert.equal(f.calls.slice(3, 7), ['deploy a (one)', 'read a', 'read a', 'read a']);
  assert.equal(f.sleeps, [30_000, 30_000], 'a 1m soak read every 30s: two sleeps, never a busy loop');
  assert.equal(f.calls.slice(7, 9).sort(), ['deploy b (two)', 'deploy c (two)']);
  assert.equal(f.calls.slice(9).sort(), ['read b', 'read c'], 'a 0s soak reads the gate once');
  assert.equal(
    f.events.filter((e) => e.kind === 'stage').map((e) => e.kind === 'stage' && `${e.stage} ${e.state}`),
    ['one start', 'one soaking', 'one held', 'two start', 'two soaking', 'two held'],
  );
});

test('the last sleep of a soak is what is left of it, not a whole poll', async () => {
  const f = fakes();
  await runRollout(
    planRollout({ poll: '25s', stages: [{ name: 'one', clusters: ['a'], soak: '1m' }] }),
    f.deps,
  );
  assert.equal(f.sleeps, [25_000, 25_000, 10_000]);
});

test('one invalid cluster anywhere stops everything before any deploy, each invalid one named', async () => {
  const f = fakes({ invalid: { c: 'values invalid: clusters/c/settings.yaml:3:5: bad' } });
  const r = await runRollout(planRollout(rollout), f.deps);
  assert.is(r.outcome, 'invalid');
  assert.equal(r.invalid, [{ cluster: 'c', why: 'values invalid: clusters/c/settings.yaml:3:5: bad' }]);
  assert.equal(
    f.calls.filter((c) => !c.startsWith('validate')),
    [],
  );
  assert.equal(states(r), { a: 'untouched', b: 'untouched', c: 'untouched' });
});

test('two clusters of a stage on one API server: refused before any deploy or read, both named', async () => {
  const f = fakes({ servers: { c: { uid: 'uid-b', server: 'https://127.0.0.1:6443' } } });
  const r = await runRollout(planRollout(rollout), f.deps);
  assert.is(r.outcome, 'invalid');
  assert.is(r.invalid?.length, 1);
  assert.is(r.invalid?.[0]?.cluster, 'c');
  assert.is(r.invalid?.[0]?.sameServerAs, 'b');
  assert.match(r.invalid?.[0]?.why ?? '', 'b (context "b" in /kube/b) and c (context "c" in /kube/c)');
  assert.match(r.invalid?.[0]?.why ?? '', 'the same kube-system namespace UID uid-b');
  assert.equal(
    f.calls.filter((c) => !c.startsWith('validate')),
    [],
  );
  const refused = f.events.find((e) => e.kind === 'validated' && !e.ok);
  assert.equal(refused && refused.kind === 'validated' && refused.cluster, 'c');
});

test('a cluster on the server of one in a stage this run skips (--from) is refused too', async () => {
  const f = fakes({ servers: { b: { uid: 'uid-a' } } });
  const r = await runRollout(planRollout(rollout, { from: 'two' }), f.deps);
  assert.is(r.outcome, 'invalid');
  assert.equal(
    r.invalid?.map((i) => [i.cluster, i.sameServerAs]),
    [['b', 'a']],
  );
  assert.not.ok(f.calls.some((c) => c.startsWith('deploy')));
});

test('clusters that did not answer, or could not be identified, are not compared: the deploy says why', async () => {
  const f = fakes({ servers: { b: null, c: null } });
  const r = await runRollout(planRollout(rollout), f.deps);
  assert.is(r.outcome, 'completed');
  const g = fakes();
  g.deps.identify = async () => {
    throw new Error('kubeconfig unreadable');
  };
  assert.is((await runRollout(planRollout(rollout), g.deps)).outcome, 'completed');
});

test('a failed deploy in stage one stops before stage two, which stays untouched', async () => {
  const failure = {
    runlevel: '90-apps',
    release: 'team-x-hello',
    step: 'readiness',
    message: 'not ready in 20s',
  };
  const f = fakes({ deploy: { a: { outcome: 'failed', seconds: 20, failure } } });
  const r = await runRollout(planRollout(rollout), f.deps);
  assert.is(r.outcome, 'deploy-failed');
  assert.is(r.stoppedAt, 'one');
  assert.equal(states(r), { a: 'deploy-failed', b: 'untouched', c: 'untouched' });
  assert.equal(r.clusters[0]?.at, { runlevel: '90-apps', release: 'team-x-hello' });
  assert.equal(r.clusters[0]?.why, ['not ready in 20s']);
  assert.not.ok(f.calls.some((c) => c.startsWith('deploy b') || c.startsWith('read')));
});

test('in a stage, a failing cluster does not stop its neighbour: both deploy, the stage stops', async () => {
  const f = fakes({ deploy: { b: new Error('lock held by another deploy') } });
  const r = await runRollout(planRollout(rollout), f.deps);
  assert.is(r.outcome, 'deploy-failed');
  assert.is(r.stoppedAt, 'two');
  assert.equal(states(r), { a: 'gate-held', b: 'deploy-failed', c: 'deployed' });
  assert.equal(r.clusters[1]?.why, ['lock held by another deploy']);
});

test('an unreachable cluster stops its stage as a gate failure', async () => {
  const f = fakes({
    deploy: {
      c: {
        outcome: 'unreachable',
        seconds: 5,
        failure: { step: 'connect', message: 'no answer within 5 s' },
      },
    },
  });
  const r = await runRollout(planRollout(rollout), f.deps);
  assert.is(r.outcome, 'gate-failed');
  assert.equal(states(r), { a: 'gate-held', b: 'deployed', c: 'unreachable' });
  assert.equal(r.clusters[2]?.why, ['unreachable: no answer within 5 s']);
});

test('a gate that fails during the soak stops at once with the reasons; later stages untouched', async () => {
  const notReady = {
    runlevel: '90-apps',
    release: 'team-x-hello',
    ready: false,
    state: 'in-sync',
    notReady: ['Deployment/hello'],
  };
  const f = fakes({ readings: { a: [{}, { releases: [notReady] }] } });
  const r = await runRollout(planRollout(rollout), f.deps);
  assert.is(r.outcome, 'gate-failed');
  assert.is(r.stoppedAt, 'one');
  assert.equal(f.sleeps, [30_000], 'stopped at the second reading, not at the end of the soak');
  assert.equal(states(r), { a: 'gate-failed', b: 'untouched', c: 'untouched' });
  assert.equal(r.clusters[0]?.at, { runlevel: '90-apps', release: 'team-x-hello' });
  assert.equal(r.clusters[0]?.why, ['team-x-hello not ready: Deployment/hello']);
});

test('a cluster unreachable while soaking is reported unreachable', async () => {
  const f = fakes({ readings: { a: [{ reachable: false, error: 'no answer within 5 s' }] } });
  const r = await runRollout(planRollout(rollout), f.deps);
  assert.is(r.outcome, 'gate-failed');
  assert.equal(states(r).a, 'unreachable');
});

test('resume: --from the stopped stage deploys only it and what follows', async () => {
  const f = fakes();
  const r = await runRollout(planRollout(rollout, { from: 'two' }), f.deps);
  assert.is(r.outcome, 'completed');
  assert.equal(f.calls.filter((c) => c.startsWith('deploy')).sort(), ['deploy b (two)', 'deploy c (two)']);
  assert.equal(f.calls.filter((c) => c.startsWith('validate')).sort(), ['validate b', 'validate c']);
  assert.equal(
    r.clusters.map((c) => c.cluster),
    ['b', 'c'],
  );
});

test('an interrupt during a soak stops before the next stage', async () => {
  const f = fakes({ interruptAfterSleeps: 1 });
  const r = await runRollout(planRollout(rollout), f.deps);
  assert.is(r.outcome, 'interrupted');
  assert.is(r.stoppedAt, 'one');
  assert.not.ok(f.calls.some((c) => c.startsWith('deploy b')));
});

test('an interrupted deploy ends the rollout as interrupted', async () => {
  const f = fakes({ deploy: { a: { outcome: 'interrupted', seconds: 2 } } });
  const r = await runRollout(planRollout(rollout), f.deps);
  assert.is(r.outcome, 'interrupted');
  assert.equal(states(r).a, 'interrupted');
});

test.run();
