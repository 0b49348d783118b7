// Small waits against a real API server for e2e tests.
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api, CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { isNotFound } from '../../core/shared/kube.js';
import { pinnedHelm } from './spawn-helm.js';

export function kubeClients(kubeconfig: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

/** Resolves with readyReplicas once it equals spec.replicas; rejects after timeoutMs. */
export async function waitDeploymentReady(
  kubeconfig: string,
  namespace: string,
  name: string,
  timeoutMs = 90_000,
): Promise<number> {
  const { apps } = kubeClients(kubeconfig);
  const deadline = Date.now() + timeoutMs;
  let last = 'not found';
  while (Date.now() < deadline) {
    try {
      const d = await apps.readNamespacedDeployment({ name, namespace });
      const want = d.spec?.replicas ?? 1;
      const ready = d.status?.readyReplicas ?? 0;
      if (ready === want && want > 0) return ready;
      last = `${ready}/${want} ready`;
    } catch {
      last = 'not found';
    }
    await sleep(500);
  }
  throw new Error(`deployment ${namespace}/${name} not ready after ${timeoutMs / 1000}s (${last})`);
}

/** PIDs alive whose command line mentions `needle` (e.g. a state directory). */
export async function processesMentioning(needle: string): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const zombie = stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
      if (!zombie && cmdline.includes(needle) && Number(entry) !== process.pid) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** Helm's releases by name (revision, status), read the way the deploy engine reads them. */
export async function helmReleasesByName(
  kubeconfig: string,
): Promise<Map<string, { revision: number; status: string; namespace: string }>> {
  const releases = await pinnedHelm({ kubeconfig }).list();
  return new Map(
    releases.map((r) => [r.name, { revision: r.revision, status: r.status, namespace: r.namespace }]),
  );
}

/** Whether the deploy lock (the Lease in runlevel-system) is held: a finished run must release it. */
export async function deployLeaseExists(kubeconfig: string): Promise<boolean> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  try {
    await kc
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: 'runlevel-deploy', namespace: 'runlevel-system' });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
