// What the e2e deploy tests (lock, signals, faults) each wrote for themselves: the deploy's argv
// for one cluster, a deploy started as a child process whose stderr is watched, the deploy record
// read back, and the node taint that keeps new Pods from being scheduled.
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { loadKubeConfig } from '../../core/shared/kube.js';
import { coreRoot } from '../../core/shared/paths.js';
import { findTool, toolEnv } from '../../core/shared/tools.js';
import { cleanEnv, runCli } from './cli.js';

export interface DeployTarget {
  cluster: string;
  values: string;
  kubeconfig: string;
}

export const deployArgs = (t: DeployTarget, ...extra: string[]) => [
  'deploy',
  '--cluster',
  t.cluster,
  '--values',
  t.values,
  '--kubeconfig',
  t.kubeconfig,
  ...extra,
];

/** `runlevel deploy` to the end, within 5 minutes. */
export const runDeploy = (t: DeployTarget, ...extra: string[]) =>
  runCli(deployArgs(t, ...extra), { timeoutMs: 300_000 });

/**
 * A deploy as a child process, with its stderr as it comes. `detached`: the leader of its own
 * process group, as a terminal runs it, so `group` signals helm under it too.
 */
export function startDeploy(argv: string[], opts: { detached?: boolean } = {}) {
  const child = execa(join(coreRoot, 'bin/runlevel'), argv, {
    env: { ...cleanEnv(), NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain' },
    extendEnv: false,
    reject: false,
    detached: opts.detached ?? false,
  });
  let stderr = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const w of waiters) if (w.re.test(stderr)) w.resolve();
  });
  return {
    child,
    pid: child.pid ?? 0,
    stderr: () => stderr,
    /** Resolves once stderr matches (or the deploy ended, which the assertions after it catch). */
    saw: (re: RegExp) =>
      new Promise<void>((resolve) => {
        if (re.test(stderr)) resolve();
        waiters.push({ re, resolve });
        child.finally(() => resolve()).catch(() => undefined);
      }),
    group: (signal: NodeJS.Signals) => process.kill(-(child.pid ?? 0), signal),
  };
}

export type DeployChild = ReturnType<typeof startDeploy>;

/** The deploy records of the cluster, newest first (the runlevel-state ConfigMap must exist). */
export async function recordsOf<T>(kubeconfig: string): Promise<T[]> {
  const cm = await loadKubeConfig(kubeconfig)
    .makeApiClient(CoreV1Api)
    .readNamespacedConfigMap({ name: 'runlevel-state', namespace: 'runlevel-system' });
  return JSON.parse(cm.data?.['deploys.json'] ?? '[]') as T[];
}

/** The kwok node tainted (no new Pod can be scheduled) or untainted. */
export async function setNodeTaint(kubeconfig: string, on: boolean): Promise<void> {
  const taint = on
    ? ['kwok-node-0', 'runlevel-test=blocked:NoSchedule', '--overwrite']
    : ['kwok-node-0', 'runlevel-test-'];
  await execa(findTool('kubectl') ?? 'kubectl', ['taint', 'nodes', ...taint, '--kubeconfig', kubeconfig], {
    env: toolEnv(),
  });
}
