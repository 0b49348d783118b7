// The deploy lock's takeover rules (core/deploy/lock.ts, core/shared/proc.ts) and what the run
// records about them (core/deploy/locked-run.ts): a holder on this host whose process is gone is
// taken over at once, a live or foreign one only when expired or with --break-lock.
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import type { V1Lease } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { takeoverReason } from '../../../core/deploy/lock.js';
import { processAlive, processSpace, procStartTime } from '../../../core/shared/proc.js';
import { deploy, fakes, release } from '../../helpers/deploy-fixture.js';

const here = { host: hostname(), ...processSpace() };
const now = Date.parse('2026-05-01T12:00:00Z');

function lease(holder: Record<string, unknown>, renewedSecondsAgo = 5): V1Lease {
  const renewed = new Date(now - renewedSecondsAgo * 1000);
  return {
    metadata: { name: 'runlevel-deploy', annotations: { 'runlevel.dev/holder': JSON.stringify(holder) } },
    spec: { holderIdentity: 'x', leaseDurationSeconds: 60, renewTime: renewed as never },
  };
}

/** A process that ran and is gone, with the start time it had. */
async function deadProcess(): Promise<{ pid: number; startTime: string }> {
  const child = spawn('sleep', ['30']);
  const pid = child.pid ?? 0;
  const startTime = procStartTime(pid) ?? '';
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return { pid, startTime };
}

test('processAlive checks the PID and its start time: a reused PID is not the process that held it', async () => {
  const self = procStartTime(process.pid);
  assert.ok(self, 'this test runs on Linux with /proc');
  assert.ok(processAlive(process.pid, self ?? ''));
  assert.not.ok(processAlive(process.pid, `${self}1`), 'same PID, another start: another process');
  const dead = await deadProcess();
  assert.ok(dead.startTime);
  assert.not.ok(processAlive(dead.pid, dead.startTime));
  assert.ok(here.bootId && here.pidNamespace, `${JSON.stringify(here)}`);
});

test('a live lease of a gone process on this host is taken over at once; of a live one, not', async () => {
  const dead = await deadProcess();
  const gone = lease({ ...here, ...dead, command: 'deploy' });
  assert.is(takeoverReason(gone, { self: here, now }), 'holder-gone');
  const alive = lease({
    ...here,
    pid: process.pid,
    startTime: procStartTime(process.pid),
    command: 'deploy',
  });
  assert.is(takeoverReason(alive, { self: here, now }), undefined);
  assert.is(takeoverReason(alive, { self: here, now, breakLock: true }), 'break-lock');
});

test('a gone PID elsewhere proves nothing: another host, boot or PID namespace, or no start time, waits', () => {
  const deadEverywhere = () => false;
  const holder = { ...here, pid: 4242, startTime: '123', command: 'deploy' };
  const cases = {
    'another host': { ...holder, host: 'ci-runner-7' },
    'another boot': { ...holder, bootId: 'b-other' },
    'another PID namespace (a container)': { ...holder, pidNamespace: 'pid:[1]' },
    'an older runlevel without a start time': { ...holder, startTime: undefined },
  };
  for (const [what, h] of Object.entries(cases))
    assert.is(takeoverReason(lease(h), { self: here, now, alive: deadEverywhere }), undefined, what);
  assert.is(takeoverReason(lease(holder), { self: here, now, alive: deadEverywhere }), 'holder-gone');
});

test('an expired lease is taken over whoever held it', () => {
  const foreign = lease({ host: 'ci-runner-7', pid: 4242, command: 'deploy' }, 120);
  assert.is(takeoverReason(foreign, { self: here, now }), 'expired');
});

test('the run that takes the lock over records it, and the run it replaces is recorded as failed, saying why', async () => {
  const f = fakes();
  const platform = [release('10-base/a'), release('20-mid/b')];
  await deploy(f, platform);
  // A run killed mid-way: its record still says running.
  const [last] = f.cluster.record.deploys;
  assert.ok(last);
  Object.assign(last, { outcome: 'running', at: '20-mid' });
  const killed = last.id;
  f.cluster.lockTakenFrom = { reason: 'holder-gone', holder: 'builder (pid 4242)' };

  const next = await deploy(f, platform);

  assert.equal(next.record.lock, { tookOver: 'holder-gone', from: 'builder (pid 4242)' });
  assert.equal(f.cluster.last()?.lock, { tookOver: 'holder-gone', from: 'builder (pid 4242)' });
  const dead = f.cluster.record.deploys.find((d) => d.id === killed);
  assert.is(dead?.outcome, 'failed');
  assert.is(
    dead?.failure?.message,
    'the deploy stopped without finishing during runlevel 20-mid (its process, builder (pid 4242), is gone)',
  );
});

test('--break-lock reaches the lock and is recorded; without it a held lock stops the run', async () => {
  const f = fakes();
  f.cluster.lockHeld = new Error('another deploy holds the lock on this cluster');
  await deploy(f, [release('10-base/a')]).then(
    () => assert.unreachable('deployed under a held lock'),
    (err: Error) => assert.match(err.message, 'another deploy holds the lock'),
  );
  f.cluster.lockTakenFrom = { reason: 'break-lock', holder: 'ci-runner-7 (pid 4242)' };
  const broke = await deploy(f, [release('10-base/a')], { breakLock: true });
  assert.ok(f.journal.includes('lock deploy --break-lock'));
  assert.is(broke.record.outcome, 'succeeded');
  assert.equal(f.cluster.last()?.lock, { tookOver: 'break-lock', from: 'ci-runner-7 (pid 4242)' });
});

test.run();
