// What `helm uninstall` leaves behind, so destroy can say so and, asked to, remove it: the CRDs a
// chart installs from crds/ (helm never deletes those: deleting a CRD deletes every object of its
// kind, in every namespace), the objects a chart marks `helm.sh/resource-policy: keep` (cert-manager
// ships its CRDs as templates marked so) and the namespaces helm made with --create-namespace (no
// chart owns them). Listing them is always done; removing them takes `destroy --purge`, confirmed like the
// destroy itself, because it is the one step that deletes data no release holds.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiextensionsV1Api, CoreV1Api, type KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { isNotFound, withRetry } from '../shared/kube.js';
import { log } from '../shared/log.js';
import { splitDocuments } from '../shared/yaml/documents.js';
import { parseYaml } from '../shared/yaml/plain.js';
import { systemNamespace } from './system-namespace.js';

export interface Leftover {
  /** CustomResourceDefinition, Namespace, or the kind of an object a chart marks keep. */
  kind: string;
  name: string;
  /** For a kept object other than a CRD: its apiVersion, and namespace when it has one. */
  apiVersion?: string;
  namespace?: string;
  /** Why helm leaves it: which chart's crds/, which template marks it keep, which releases live in the namespace. */
  why: string;
}

/** A rendered object whose template marks it `helm.sh/resource-policy: keep`: helm uninstall skips it. */
export interface KeptObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** helm's # Source: of its template. */
  source: string;
}

export interface ReleaseFootprint {
  name: string;
  namespace: string;
  chartPath: string;
  /** metadata.name of the CRDs in the crds/ of its chart and sub-charts. */
  chartCrds: string[];
  /** Namespaces its own templates create (helm deletes those on uninstall, unless kept). */
  ownNamespaces: string[];
  /** Objects its templates mark `helm.sh/resource-policy: keep`. */
  kept?: KeptObject[];
}

/** Namespaces nobody may delete on our behalf; runlevel-system goes with the destroy itself. */
const kept = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', systemNamespace]);

/** Pure: what the releases will leave once uninstalled, CRDs first, then kept objects, namespaces; each once. */
export function plannedLeftovers(releases: readonly ReleaseFootprint[]): Leftover[] {
  const crds = new Map<string, Set<string>>(); // CRD → charts whose crds/ hold it
  const namespaces = new Map<string, Set<string>>(); // namespace → releases helm made it for
  const keptWhy = new Map<string, Set<string>>(); // `<kind>/<name>` of a kept CRD or namespace → templates
  const objects = new Map<string, Leftover>();
  const add = (m: Map<string, Set<string>>, k: string, v: string) => m.set(k, (m.get(k) ?? new Set()).add(v));
  const owned = new Set(releases.flatMap((r) => r.ownNamespaces));
  for (const r of releases) {
    for (const crd of r.chartCrds) add(crds, crd, r.chartPath);
    for (const k of r.kept ?? []) {
      const why = `${k.source} marks it helm.sh/resource-policy: keep`;
      if (k.kind === 'CustomResourceDefinition' || k.kind === 'Namespace') {
        add(keptWhy, `${k.kind}/${k.name}`, why);
        continue;
      }
      const namespaced = k.namespace !== undefined || !clusterWide(k.kind);
      const ns = k.namespace ?? r.namespace;
      objects.set(`${k.apiVersion}/${k.kind}/${namespaced ? ns : ''}/${k.name}`, {
        kind: k.kind,
        name: k.name,
        apiVersion: k.apiVersion,
        ...(namespaced ? { namespace: ns } : {}),
        why,
      });
    }
    if (!owned.has(r.namespace) && !kept.has(r.namespace)) add(namespaces, r.namespace, r.name);
  }
  const whyOf = (kind: string, name: string, first: string | undefined) =>
    [...(first ? [first] : []), ...[...(keptWhy.get(`${kind}/${name}`) ?? [])].sort()].join('; ');
  const names = (kind: string, from: Map<string, Set<string>>) =>
    [
      ...new Set([
        ...from.keys(),
        ...[...keptWhy.keys()].filter((k) => k.startsWith(`${kind}/`)).map((k) => k.slice(kind.length + 1)),
      ]),
    ].sort();
  return [
    ...names('CustomResourceDefinition', crds).map((name): Leftover => {
      const charts = crds.get(name);
      const first = charts ? `crds/ of ${[...charts].sort().join(', ')}; helm never deletes CRDs` : undefined;
      return { kind: 'CustomResourceDefinition', name, why: whyOf('CustomResourceDefinition', name, first) };
    }),
    ...[...objects].sort(([a], [b]) => a.localeCompare(b)).map(([, l]) => l),
    ...names('Namespace', namespaces).map((name): Leftover => {
      const rels = namespaces.get(name);
      const first = rels ? `made by helm --create-namespace for ${[...rels].sort().join(', ')}` : undefined;
      return { kind: 'Namespace', name, why: whyOf('Namespace', name, first) };
    }),
  ];
}

/** The objects of a release's rendered files whose annotation `helm.sh/resource-policy` is keep. */
export function keptObjects(files: readonly { source: string; text: string }[]): KeptObject[] {
  const out: KeptObject[] = [];
  for (const f of files) {
    if (!f.text.includes('helm.sh/resource-policy')) continue;
    for (const doc of splitDocuments(f.text)) {
      const body = parseYaml(doc.text) as Record<string, unknown> | null;
      if (!body || typeof body !== 'object') continue;
      const meta = (body.metadata ?? {}) as { name?: unknown; namespace?: unknown; annotations?: unknown };
      const policy = (meta.annotations as Record<string, unknown> | undefined)?.['helm.sh/resource-policy'];
      // helm compares the trimmed, lower-cased value with "keep".
      if (typeof policy !== 'string' || policy.trim().toLowerCase() !== 'keep') continue;
      out.push({
        apiVersion: String(body.apiVersion ?? ''),
        kind: String(body.kind ?? ''),
        name: String(meta.name ?? ''),
        ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
        source: f.source,
      });
    }
  }
  return out;
}

/** Kinds a chart may mark keep that have no namespace (others take the release's). */
function clusterWide(kind: string): boolean {
  return /^(ClusterRole|ClusterRoleBinding|PersistentVolume|StorageClass|PriorityClass|IngressClass|ValidatingWebhookConfiguration|MutatingWebhookConfiguration|APIService|ClusterIssuer)$/.test(
    kind,
  );
}

/** The planned leftovers that exist in the cluster. */
export async function presentLeftovers(kc: KubeConfig, planned: readonly Leftover[]): Promise<Leftover[]> {
  const read = reader(kc);
  const found = await Promise.all(
    planned.map(async (l) => {
      try {
        await withRetry(`read ${l.kind} ${l.name}`, () => read(l));
        return l;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    }),
  );
  return found.filter((l): l is Leftover => l !== undefined);
}

/** Reads and deletes of one leftover: the typed clients for CRDs and namespaces, the generic one for the rest. */
function reader(kc: KubeConfig): (l: Leftover) => Promise<unknown> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  return (l) =>
    l.kind === 'Namespace'
      ? core.readNamespace({ name: l.name })
      : l.kind === 'CustomResourceDefinition'
        ? ext.readCustomResourceDefinition({ name: l.name })
        : objects.read(spec(l));
}

function spec(l: Leftover) {
  return {
    apiVersion: l.apiVersion ?? 'v1',
    kind: l.kind,
    metadata: { name: l.name, ...(l.namespace ? { namespace: l.namespace } : {}) },
  };
}

/**
 * Delete them: kept objects first, then CRDs (their objects go with them), then namespaces; a gone
 * one is no error. A CRD is gone only once the API server has removed every object of its kind
 * (its finalizer), so, as kubectl delete waits, each step is waited for before the next and the
 * command says done.
 */
export async function deleteLeftovers(kc: KubeConfig, items: readonly Leftover[]): Promise<void> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const read = reader(kc);
  const steps = [
    items.filter((l) => l.kind !== 'CustomResourceDefinition' && l.kind !== 'Namespace'),
    items.filter((l) => l.kind === 'CustomResourceDefinition'),
    items.filter((l) => l.kind === 'Namespace'),
  ];
  for (const [i, step] of steps.entries()) {
    await Promise.all(
      step.map((l) =>
        withRetry(
          `delete ${l.kind} ${l.name}`,
          async (): Promise<unknown> =>
            l.kind === 'Namespace'
              ? core.deleteNamespace({ name: l.name })
              : l.kind === 'CustomResourceDefinition'
                ? ext.deleteCustomResourceDefinition({ name: l.name })
                : objects.delete(spec(l)),
        ).catch((err) => {
          if (!isNotFound(err)) throw err;
        }),
      ),
    );
    // Namespaces go last and take long (every object in them); the command does not wait for those.
    if (i < 2) await untilGone(step, read);
  }
}

/** Polls each read until it answers NotFound; after two minutes, says which are still there. */
async function untilGone(items: Leftover[], read: (l: Leftover) => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 120_000;
  let left = items;
  while (left.length > 0 && Date.now() < deadline) {
    const still = await Promise.all(
      left.map((l) =>
        read(l).then(
          () => true,
          (err) => !isNotFound(err),
        ),
      ),
    );
    left = left.filter((_, i) => still[i]);
    if (left.length > 0) await sleep(250);
  }
  if (left.length > 0) log.warn(`still being deleted after 2 min: ${left.map(leftoverLine).join(', ')}`);
}

export function leftoverLine(l: Leftover): string {
  const what =
    l.kind === 'Namespace'
      ? 'namespace'
      : l.kind === 'CustomResourceDefinition'
        ? 'CRD'
        : `${l.kind}${l.namespace ? ` ${l.namespace}/` : ''}`;
  return `${what}${l.namespace ? '' : ' '}${l.name} (${l.why})`;
}
