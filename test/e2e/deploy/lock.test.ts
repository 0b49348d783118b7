// The deploy lock against the real local cluster: a deploy killed with SIGKILL leaves its lease
// behind, and the next deploy on this host sees that its holder's process is gone and takes the
// lock at once, recording the killed run as failed; a lock held from another machine is taken
// only with --break-lock, which the deploy record keeps; a deploy whose lock is broken while it
// runs writes nothing more (fencing), and helm's history shows one writer at a time.
import { hostname } from 'node:os';
import { CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadKubeConfig } from '../../../core/shared/kube.js';
import { findTool, toolEnv } from '../../../core/shared/tools.js';
import {
  type DeployChild,
  deployArgs,
  recordsOf,
  runDeploy,
  setNodeTaint,
  startDeploy,
} from '../../helpers/deploy-child.js';
import { helmReleasesByName } from '../../helpers/kube.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;

const target = () => ({ cluster: repo.cluster, values: repo.dir, kubeconfig });
const args = (...extra: string[]) => deployArgs(target(), ...extra);
const deploy = (...extra: string[]) => runDeploy(target(), ...extra);

interface Recorded {
  id: string;
  outcome: string;
  lock?: { tookOver: string; from: string; waitedFor?: string[] };
  failure?: { runlevel?: string; step: string; message: string };
  releases: { runlevel: string; name: string; action: string }[];
}

const records = () => recordsOf<Recorded>(kubeconfig);

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  repo = await initValuesRepo('dev');
  const first = await deploy();
  assert.is(first.code, 0, first.stderr);
});

test.after(async () => {
  await repo?.remove();
});

test('a deploy killed with SIGKILL: the next one takes its lock at once and records it as failed', async () => {
  // Its own process group, so helm under it dies with it, as with a kill -9 of a CI job.
  const { child, pid } = startDeploy(args('--force'), { detached: true });
  let killed: Recorded | undefined;
  while (!killed) {
    killed = (await records()).find((r) => r.outcome === 'running' && r.id.endsWith(`-${pid}`));
    if (!killed && child.exitCode !== null) assert.unreachable(`the deploy ended first: ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(-pid, 'SIGKILL');
  await child;

  // No --wait-lock: a lock it could not take would exit 6 at once.
  const next = await deploy();
  assert.is(next.code, 0, next.stderr);
  assert.match(
    next.stderr,
    `taking over the deploy lock from ${hostname()} (pid ${pid}): that process on this host is gone`,
  );
  const [latest, ...older] = await records();
  assert.equal(latest?.lock, { tookOver: 'holder-gone', from: `${hostname()} (pid ${pid})` });
  const dead = older.find((r) => r.id === killed?.id);
  assert.is(dead?.outcome, 'failed');
  assert.is(dead?.failure?.step, 'abandoned');
  assert.match(dead?.failure?.message ?? '', `its process, ${hostname()} (pid ${pid}), is gone`);
});

test('a live lock held from another machine stops a deploy (exit 6); --break-lock takes it and is recorded', async () => {
  const leases = loadKubeConfig(kubeconfig).makeApiClient(CoordinationV1Api);
  const now = new V1MicroTime();
  await leases.createNamespacedLease({
    namespace: 'runlevel-system',
    body: {
      metadata: {
        name: 'runlevel-deploy',
        namespace: 'runlevel-system',
        annotations: {
          'runlevel.dev/holder': JSON.stringify({
            host: 'ci-runner-7',
            pid: 4242,
            startTime: '99',
            bootId: 'another-machine',
            pidNamespace: 'pid:[1]',
            valuesCommit: 'abc123',
            coreVersion: '0.1.0',
            command: 'deploy',
          }),
        },
      },
      spec: {
        holderIdentity: 'ci-runner-7/4242/1',
        leaseDurationSeconds: 600,
        acquireTime: now,
        renewTime: now,
      },
    },
  });
  const held = await deploy();
  assert.is(held.code, 6, held.stderr);
  assert.match(held.stderr, 'ci-runner-7 (pid 4242)');
  assert.match(held.stderr, '--break-lock takes the lock');

  const broke = await deploy('--break-lock');
  assert.is(broke.code, 0, broke.stderr);
  assert.match(broke.stderr, 'breaking the deploy lock held by ci-runner-7 (pid 4242) (--break-lock)');
  const [latest] = await records();
  assert.equal(latest?.lock, { tookOver: 'break-lock', from: 'ci-runner-7 (pid 4242)' });
  assert.is(latest?.outcome, 'succeeded');
});

/** The pid the deploy lock's holder annotation names, if the lease exists. */
async function leaseHolderPid(): Promise<number | undefined> {
  const leases = loadKubeConfig(kubeconfig).makeApiClient(CoordinationV1Api);
  const lease = await leases
    .readNamespacedLease({ name: 'runlevel-deploy', namespace: 'runlevel-system' })
    .catch(() => undefined);
  const holder = lease?.metadata?.annotations?.['runlevel.dev/holder'];
  return holder ? (JSON.parse(holder) as { pid: number }).pid : undefined;
}

/** helm's own history of a release: revision and when it was applied (helm's LastDeployed). */
async function history(name: string, namespace: string): Promise<{ revision: number; updated: string }[]> {
  const r = await execa(
    findTool('helm') ?? 'helm',
    [
      'history',
      name,
      '--namespace',
      namespace,
      '--output',
      'json',
      '--max',
      '50',
      '--kubeconfig',
      kubeconfig,
    ],
    { env: toolEnv() },
  );
  return (JSON.parse(r.stdout) as { revision: number; updated: string }[]).sort(
    (a, b) => a.revision - b.revision,
  );
}

test('--break-lock while a deploy runs: the displaced one writes nothing more (exit 6, recorded displaced); helm shows one writer at a time', async () => {
  const before = await helmReleasesByName(kubeconfig);
  // New ingress controller Pods that cannot be scheduled: the first deploy waits in 20-ingress's
  // readiness gate, holding the lock, until the test lets them run.
  await setNodeTaint(kubeconfig, true);
  let tainted = true;
  let a: DeployChild | undefined;
  let b: DeployChild | undefined;
  try {
    await repo.edit('common/settings.yaml', (s) => {
      s.platform.ingress.className = 'nginx-fenced';
    });
    // A lock TTL of 10 minutes renews every 150 s: only fencing can stop this deploy in time.
    a = startDeploy(args('--force', '--lock-ttl', '600s'));
    await a.saw(/waiting for \d+ objects of 20-ingress/);
    assert.is(a.child.exitCode, null, `the first deploy ended early: ${a.stderr()}`);
    b = startDeploy(args('--force', '--break-lock'));
    while ((await leaseHolderPid()) !== b.pid) {
      if (b.child.exitCode !== null) assert.unreachable(`--break-lock ended first: ${b.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await setNodeTaint(kubeconfig, false); // both gates may pass now
    tainted = false;
    const [ra, rb] = await Promise.all([a.child, b.child]);

    assert.is(ra.exitCode, 6, a.stderr());
    assert.match(
      a.stderr(),
      `deploy displaced at 20-ingress: the deploy lock was taken by ${hostname()} (pid ${b.pid})`,
    );
    assert.is(rb.exitCode, 0, b.stderr());
    assert.match(b.stderr(), `breaking the deploy lock held by ${hostname()} (pid ${a.pid}) (--break-lock)`);

    const all = await records();
    const recA = all.find((r) => r.id.endsWith(`-${a?.pid}`));
    const recB = all.find((r) => r.id.endsWith(`-${b?.pid}`));
    assert.is(recA?.outcome, 'displaced');
    assert.is(recA?.failure?.runlevel, '20-ingress');
    assert.is(recA?.failure?.step, 'displaced');
    assert.match(recA?.failure?.message ?? '', `(pid ${b.pid})`);
    assert.is(recB?.outcome, 'succeeded');
    assert.equal(recB?.lock, { tookOver: 'break-lock', from: `${hostname()} (pid ${a.pid})` });
    for (const r of recA?.releases ?? []) assert.ok(r.runlevel <= '20-ingress', `${r.name} after 20-ingress`);

    // helm tells the records' story, and every apply of the displaced run started before the
    // first of the run that displaced it: never two writers at once.
    const applied = (rec?: Recorded) =>
      new Set(
        (rec?.releases ?? [])
          .filter((r) => ['installed', 'upgraded', 'repaired'].includes(r.action))
          .map((r) => r.name),
      );
    const byA = applied(recA);
    const byB = applied(recB);
    assert.ok(byA.size > 0 && byB.size > 0, `${[...byA]} / ${[...byB]}`);
    const startsA: number[] = [];
    const startsB: number[] = [];
    for (const [name, rel] of await helmReleasesByName(kubeconfig)) {
      const fresh = (await history(name, rel.namespace)).filter(
        (h) => h.revision > (before.get(name)?.revision ?? 0),
      );
      assert.is(
        fresh.length,
        Number(byA.has(name)) + Number(byB.has(name)),
        `${name}: revisions = applies recorded`,
      );
      if (byA.has(name)) startsA.push(Date.parse(fresh[0]?.updated ?? ''));
      if (byB.has(name)) startsB.push(Date.parse(fresh.at(-1)?.updated ?? ''));
    }
    assert.ok(
      Math.max(...startsA) < Math.min(...startsB),
      `the displaced run applied after the breaker started: ${new Date(Math.max(...startsA)).toISOString()} >= ${new Date(Math.min(...startsB)).toISOString()}`,
    );
  } finally {
    if (tainted) await setNodeTaint(kubeconfig, false);
    for (const run of [a, b]) if (run?.child.exitCode === null) run.child.kill('SIGKILL');
  }
  await repo.edit('common/settings.yaml', (s) => {
    s.platform.ingress.className = 'nginx';
  });
  const back = await deploy();
  assert.is(back.code, 0, back.stderr);
});

test.run();
