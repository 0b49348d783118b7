// The deploy lock against the real local cluster: a deploy killed with SIGKILL leaves its lease
// behind, and the next deploy on this host sees that its holder's process is gone and takes the
// lock at once, recording the killed run as failed; a lock held from another machine is taken
// only with --break-lock, which the deploy record keeps.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, CoreV1Api, V1MicroTime } from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadKubeConfig } from '../../../core/shared/kube.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { cleanEnv, runCli } from '../../helpers/cli.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;

const args = (...extra: string[]) => [
  'deploy',
  '--cluster',
  repo.cluster,
  '--values',
  repo.dir,
  '--kubeconfig',
  kubeconfig,
  ...extra,
];
const deploy = (...extra: string[]) => runCli(args(...extra), { timeoutMs: 300_000 });

interface Recorded {
  id: string;
  outcome: string;
  lock?: { tookOver: string; from: string };
  failure?: { step: string; message: string };
}

async function records(): Promise<Recorded[]> {
  const cm = await loadKubeConfig(kubeconfig)
    .makeApiClient(CoreV1Api)
    .readNamespacedConfigMap({ name: 'runlevel-state', namespace: 'runlevel-system' });
  return JSON.parse(cm.data?.['deploys.json'] ?? '[]') as Recorded[];
}

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
  const child = execa(join(coreRoot, 'bin/runlevel'), args('--force'), {
    env: { ...cleanEnv(), NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain' },
    extendEnv: false,
    reject: false,
    detached: true,
  });
  const pid = child.pid ?? 0;
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

test.run();
