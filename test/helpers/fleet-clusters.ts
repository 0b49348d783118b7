// Several embedded clusters at once for the fleet tests and bench (each its own state directory and
// ports), the memory their processes take, and a values repo with one cluster entry per cluster.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { clusterDown, clusterStatus, clusterUp } from '../../core/cluster/index.js';
import { isNotFound, loadKubeConfig } from '../../core/shared/kube.js';
import type { ValuesRepo } from './values-repo.js';

export interface FleetCluster {
  name: string;
  stateDir: string;
  kubeconfig: string;
}

/** Started one after another: three control planes starting at once crowd a 2-core machine. */
export async function startClusters(root: string, names: readonly string[]): Promise<FleetCluster[]> {
  const up: FleetCluster[] = [];
  for (const name of names) {
    const stateDir = join(root, `cluster-${name}`);
    const { kubeconfig } = await clusterUp({ stateDir });
    up.push({ name, stateDir, kubeconfig });
  }
  return up;
}

/** Stops each cluster by the PIDs its state records (clusterDown), and removes its state. */
export async function stopClusters(clusters: readonly FleetCluster[]): Promise<void> {
  for (const c of clusters) await clusterDown({ stateDir: c.stateDir, purge: true });
}

/** The resident memory of every process of these clusters (etcd, API server, controllers, kwok), MiB. */
export async function clustersRssMiB(clusters: readonly FleetCluster[]): Promise<number> {
  let kib = 0;
  for (const c of clusters) {
    for (const d of (await clusterStatus({ stateDir: c.stateDir })).daemons) {
      const status = await readFile(`/proc/${d.pid}/status`, 'utf8').catch(() => '');
      kib += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    }
  }
  return Math.round(kib / 1024);
}

/** Adds clusters to a repo made for its first one: same environment, its layer files copied. */
export async function addClusters(
  repo: ValuesRepo,
  clusters: readonly { name: string; kubeconfig: string }[],
): Promise<void> {
  for (const c of clusters) {
    if (c.name === repo.cluster) continue;
    await mkdir(join(repo.dir, 'clusters', c.name), { recursive: true });
    for (const f of ['settings.yaml', 'secrets.sops.yaml'])
      await copyFile(join(repo.dir, 'clusters', repo.cluster, f), join(repo.dir, 'clusters', c.name, f));
  }
  await repo.edit('runlevel.yaml', (doc) => {
    const env = doc.clusters[repo.cluster].environment;
    for (const c of clusters)
      doc.clusters[c.name] = { ...(doc.clusters[c.name] ?? { environment: env }), kubeconfig: c.kubeconfig };
  });
}

/** The deploy records a cluster holds (none: the runlevel-state ConfigMap does not exist). */
export async function deployRecords(
  kubeconfig: string,
): Promise<{ id: string; outcome: string; command: string }[]> {
  try {
    const cm = await loadKubeConfig(kubeconfig)
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ name: 'runlevel-state', namespace: 'runlevel-system' });
    return JSON.parse(cm.data?.['deploys.json'] ?? '[]');
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}
