// Signals as a terminal and a supervisor send them, against the shared local cluster: SIGINT or
// SIGTERM to the deploy's whole process group (a Ctrl-C reaches every process of the foreground
// group), at a moment the test controls: while helm applies sso, its write held at the API server
// by an admission webhook of the test's (helpers/admission-hold.ts). One signal: helm is not told,
// the release in flight finishes, nothing new starts. Two: helm is told to stop and marks the
// release failed, the lock is released, the record says where. Nothing the deploy started (its
// helm engine, in a process group of its own) outlives it either way.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadKubeConfig } from '../../../core/shared/kube.js';
import { processAlive } from '../../../core/shared/proc.js';
import { type AdmissionHold, holdCreates } from '../../helpers/admission-hold.js';
import {
  type DeployChild,
  deployArgs,
  recordsOf,
  runDeploy,
  startDeploy,
} from '../../helpers/deploy-child.js';
import { deployLeaseExists, helmReleasesByName } from '../../helpers/kube.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;

const target = () => ({ cluster: repo.cluster, values: repo.dir, kubeconfig });

interface Recorded {
  id: string;
  outcome: string;
  failure?: { runlevel?: string; release?: string; step: string; message: string };
  releases: { runlevel: string; name: string; action: string }[];
}

const records = () => recordsOf<Recorded>(kubeconfig);

/** The deploy as a terminal runs it: the leader of its own process group, which we signal whole. */
const start = (...extra: string[]) => startDeploy(deployArgs(target(), ...extra), { detached: true });

/** One of sso's Deployments deleted: the next helm upgrade of sso has to create it again. */
async function deleteAnSsoDeployment(): Promise<string> {
  const apps = loadKubeConfig(kubeconfig).makeApiClient(AppsV1Api);
  const list = await apps.listNamespacedDeployment({ namespace: 'sso-system' });
  const name = list.items.map((d) => d.metadata?.name ?? '').sort()[0] ?? '';
  assert.ok(name, 'sso has a Deployment');
  await apps.deleteNamespacedDeployment({ name, namespace: 'sso-system' });
  return name;
}

const laterReleases = async () => {
  const all = await helmReleasesByName(kubeconfig);
  const sso = all.get('sso');
  const later = [...all].filter(([, r]) => r.namespace.startsWith('team-')); // 60-teams and 90-apps
  assert.ok(later.length > 0, 'the platform has releases after 30-sso');
  return { sso, later: new Map(later) };
};

/** The processes a process started (its helm engine, the watchdog), with their start times. */
function childrenOf(pid: number): { pid: number; start: string; cmd: string }[] {
  const found: { pid: number; start: string; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== pid) continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      found.push({ pid: Number(entry), start: fields[19] ?? '', cmd });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** Every process the deploy had started is gone (the watchdog's grace period bounds the wait). */
async function noneLeft(children: { pid: number; start: string; cmd: string }[]): Promise<void> {
  assert.ok(
    children.some((c) => c.cmd.includes('helm-engine')),
    `the deploy's helm engine was seen: ${children.map((c) => c.cmd).join('; ')}`,
  );
  for (let i = 0; i < 150 && children.some((c) => processAlive(c.pid, c.start)); i++) await sleep(100);
  const left = children.filter((c) => processAlive(c.pid, c.start)).map((c) => c.cmd);
  assert.equal(left, [], 'nothing the deploy started outlives it');
}

/**
 * A deploy (--force) started while helm's create of an sso Deployment is held at the API server:
 * `fn` runs once the write is held, with helm's releases from before; the hold is closed after.
 */
async function whileSsoHeld(
  fn: (s: {
    before: Awaited<ReturnType<typeof laterReleases>>;
    hold: AdmissionHold;
    run: DeployChild;
    children: ReturnType<typeof childrenOf>;
  }) => Promise<void>,
): Promise<void> {
  const before = await laterReleases();
  await deleteAnSsoDeployment();
  const hold = await holdCreates(kubeconfig, {
    namespace: 'sso-system',
    group: 'apps',
    resources: ['deployments'],
  });
  try {
    const run = start('--force');
    const held = await Promise.race([hold.arrived, run.child.then(() => undefined)]);
    assert.ok(held, `helm never reached sso: ${run.stderr()}`);
    await fn({ before, hold, run, children: childrenOf(run.pid) });
  } finally {
    await hold.close();
  }
}

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  repo = await initValuesRepo('dev');
  const first = await runDeploy(target());
  assert.is(first.code, 0, first.stderr);
});

test.after(async () => {
  await repo?.remove();
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`one ${signal} to the process group while helm applies sso: it finishes, nothing new starts, lock released, exit ${signal === 'SIGINT' ? 130 : 143}`, async () => {
    await whileSsoHeld(async ({ before, hold, run, children }) => {
      run.group(signal); // the whole group, as a terminal does
      await run.saw(new RegExp(`${signal} received`));
      hold.release(); // helm, not told to stop, completes sso
      const r = await run.child;

      assert.is(r.exitCode, signal === 'SIGINT' ? 130 : 143, run.stderr());
      assert.match(run.stderr(), 'deploy interrupted at 30-sso / sso');
      assert.not.match(run.stderr(), /rolled-back|cancelled/);
      const after = await laterReleases();
      assert.equal(
        { revision: after.sso?.revision, status: after.sso?.status },
        { revision: (before.sso?.revision ?? 0) + 1, status: 'deployed' },
        'sso finished: one new revision, deployed, not rolled back',
      );
      assert.equal(after.later, before.later, 'nothing after 30-sso started');
      assert.not.ok(await deployLeaseExists(kubeconfig), 'lock released');
      const [last] = await records();
      assert.is(last?.id.endsWith(`-${run.pid}`), true);
      assert.is(last?.outcome, 'interrupted');
      assert.equal(
        { runlevel: last?.failure?.runlevel, release: last?.failure?.release },
        { runlevel: '30-sso', release: 'sso' },
      );
      assert.ok(last?.releases.some((x) => x.name === 'sso' && x.action === 'upgraded'));
      await noneLeft(children);
    });
  });
}

test('two SIGINTs to the process group while helm applies sso: helm is told to stop and marks it failed, the lock is released, the record says where; the next deploy repairs it', async () => {
  await whileSsoHeld(async ({ before, hold, run, children }) => {
    run.group('SIGINT');
    await run.saw(/SIGINT received/);
    run.group('SIGINT');
    // The write stays held: only runlevel telling helm to stop can end this deploy now.
    const r = await run.child;
    hold.release();

    assert.is(r.exitCode, 130, run.stderr());
    assert.match(run.stderr(), 'SIGINT received again: stopping what is in flight');
    assert.match(
      run.stderr(),
      /deploy interrupted at 30-sso \/ sso: stopped by a second signal: helm was told to stop sso/,
    );
    const after = await laterReleases();
    assert.equal(
      { revision: after.sso?.revision, status: after.sso?.status },
      { revision: (before.sso?.revision ?? 0) + 1, status: 'failed' },
      'helm marked the release it was stopped in failed; nothing rolled back',
    );
    assert.equal(after.later, before.later, 'nothing after 30-sso started');
    assert.not.ok(await deployLeaseExists(kubeconfig), 'no dead holder left in the lock');
    const [last] = await records();
    assert.is(last?.outcome, 'interrupted');
    assert.equal(
      { runlevel: last?.failure?.runlevel, release: last?.failure?.release, step: last?.failure?.step },
      { runlevel: '30-sso', release: 'sso', step: 'interrupted' },
    );
    await noneLeft(children);
  });
  // No --wait-lock, no --break-lock: the lock is free, and the failed release is put right.
  const next = await runDeploy(target());
  assert.is(next.code, 0, next.stderr);
  assert.is((await laterReleases()).sso?.status, 'deployed');
});

test.run();
