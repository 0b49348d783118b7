// What `helm uninstall` leaves behind, so destroy can say so and, asked to, remove it: the CRDs a
// chart installs from crds/ (helm never deletes those: deleting a CRD deletes every object of its
// kind, in every namespace) and the namespaces helm made with --create-namespace (no chart owns
// them). Listing them is always done; removing them takes `destroy --purge`, confirmed like the
// destroy itself, because it is the one step that deletes data no release holds.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiextensionsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { isNotFound, withRetry } from '../shared/kube.js';
import { log } from '../shared/log.js';
import { systemNamespace } from './system-namespace.js';

export interface Leftover {
  kind: 'CustomResourceDefinition' | 'Namespace';
  name: string;
  /** Why helm leaves it: which chart's crds/, or which releases live in the namespace. */
  why: string;
}

export interface ReleaseFootprint {
  name: string;
  namespace: string;
  chartPath: string;
  /** metadata.name of the CRDs in the crds/ of its chart and sub-charts. */
  chartCrds: string[];
  /** Namespaces its own templates create (helm deletes those on uninstall). */
  ownNamespaces: string[];
}

/** Namespaces nobody may delete on our behalf; runlevel-system goes with the destroy itself. */
const kept = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', systemNamespace]);

/** Pure: what the releases will leave once uninstalled, CRDs first, each once. */
export function plannedLeftovers(releases: readonly ReleaseFootprint[]): Leftover[] {
  const crds = new Map<string, Set<string>>();
  const namespaces = new Map<string, Set<string>>();
  const owned = new Set(releases.flatMap((r) => r.ownNamespaces));
  for (const r of releases) {
    for (const crd of r.chartCrds) crds.set(crd, (crds.get(crd) ?? new Set()).add(r.chartPath));
    if (!owned.has(r.namespace) && !kept.has(r.namespace)) {
      namespaces.set(r.namespace, (namespaces.get(r.namespace) ?? new Set()).add(r.name));
    }
  }
  const byName = <T>([a]: [string, T], [b]: [string, T]) => a.localeCompare(b);
  return [
    ...[...crds].sort(byName).map(
      ([name, charts]): Leftover => ({
        kind: 'CustomResourceDefinition',
        name,
        why: `crds/ of ${[...charts].sort().join(', ')}; helm never deletes CRDs`,
      }),
    ),
    ...[...namespaces].sort(byName).map(
      ([name, rels]): Leftover => ({
        kind: 'Namespace',
        name,
        why: `made by helm --create-namespace for ${[...rels].sort().join(', ')}`,
      }),
    ),
  ];
}

/** The planned leftovers that exist in the cluster. */
export async function presentLeftovers(kc: KubeConfig, planned: readonly Leftover[]): Promise<Leftover[]> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const found = await Promise.all(
    planned.map(async (l) => {
      try {
        await withRetry(
          `read ${l.kind} ${l.name}`,
          async (): Promise<unknown> =>
            l.kind === 'Namespace'
              ? core.readNamespace({ name: l.name })
              : ext.readCustomResourceDefinition({ name: l.name }),
        );
        return l;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    }),
  );
  return found.filter((l): l is Leftover => l !== undefined);
}

/** Delete them (CRDs first: their objects go with them); a gone one is no error. A CRD is gone
 * only once the API server has removed every object of its kind (its finalizer), so, as kubectl
 * delete waits, the CRDs are waited for before the namespaces go and the command says done. */
export async function deleteLeftovers(kc: KubeConfig, items: readonly Leftover[]): Promise<void> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  for (const kind of ['CustomResourceDefinition', 'Namespace'] as const) {
    await Promise.all(
      items
        .filter((l) => l.kind === kind)
        .map((l) =>
          withRetry(
            `delete ${l.kind} ${l.name}`,
            async (): Promise<unknown> =>
              kind === 'Namespace'
                ? core.deleteNamespace({ name: l.name })
                : ext.deleteCustomResourceDefinition({ name: l.name }),
          ).catch((err) => {
            if (!isNotFound(err)) throw err;
          }),
        ),
    );
    if (kind === 'CustomResourceDefinition') {
      const crds = items.filter((l) => l.kind === kind).map((l) => l.name);
      await untilGone(crds, (name) => ext.readCustomResourceDefinition({ name }));
    }
  }
}

/** Polls each read until it answers NotFound; after two minutes, says which are still there. */
async function untilGone(names: string[], read: (name: string) => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 120_000;
  let left = names;
  while (left.length > 0 && Date.now() < deadline) {
    const still = await Promise.all(
      left.map((name) =>
        read(name).then(
          () => true,
          (err) => !isNotFound(err),
        ),
      ),
    );
    left = left.filter((_, i) => still[i]);
    if (left.length > 0) await sleep(250);
  }
  if (left.length > 0) log.warn(`still being deleted after 2 min: CRD ${left.join(', ')}`);
}

export function leftoverLine(l: Leftover): string {
  return `${l.kind === 'Namespace' ? 'namespace' : 'CRD'} ${l.name} (${l.why})`;
}
