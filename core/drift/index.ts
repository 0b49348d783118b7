// The drift stage: what each release's live objects no longer hold of its manifests. Objects are
// read with one LIST per kind (the reader's job), compared field by field (compare.ts), and
// fields values say someone else owns are dropped. An object the cluster lacks is missing.
import { helmDocuments } from '../render/manifests.js';
import { loadDocument } from '../shared/yaml/objects.js';
import { compareObject } from './compare.js';
import { ignoreMatcher } from './ignore.js';
import type { DriftIgnoreRule, LiveQuery, LiveReader, ObjectDrift, ReleaseDrift } from './types.js';

export { formatPath, parsePath } from '../shared/field-path.js';
export { describeDrift, driftItems, driftLines, objectLabel } from './describe.js';
export type {
  DriftIgnoreRule,
  FieldChange,
  LiveObject,
  LiveQuery,
  LiveRead,
  LiveReader,
  ObjectDrift,
  ReleaseDrift,
} from './types.js';

type Obj = Record<string, unknown>;

/** A release to look at: its key (namespace/name), namespace and the manifest it should hold. */
export interface DriftSubject {
  key: string;
  namespace: string;
  manifest: string;
}

/** key → drift, only for releases whose live objects differ from their manifests. */
export async function detectDrift(
  subjects: readonly DriftSubject[],
  reader: LiveReader,
  ignore: readonly DriftIgnoreRule[] = [],
): Promise<Map<string, ReleaseDrift>> {
  const wanted: { key: string; body: Obj; query: LiveQuery }[] = [];
  for (const s of subjects) {
    for (const body of managedObjects(s.manifest)) {
      wanted.push({ key: s.key, body, query: queryOf(body, s.namespace) });
    }
  }
  const live = await reader.liveObjects(wanted.map((w) => w.query));
  const ignored = ignoreMatcher(ignore);
  const out = new Map<string, ReleaseDrift>();
  wanted.forEach((w, i) => {
    const read = live[i] ?? {};
    const found = read.object;
    const id = {
      apiVersion: w.query.apiVersion,
      kind: w.query.kind,
      name: w.query.name,
      ...(read.namespace ? { namespace: read.namespace } : {}),
    };
    const drift: ObjectDrift | undefined = !found
      ? { ...id, missing: true, changes: [] }
      : changed(
          id,
          compareObject(w.body, found).filter((c) => !ignored(id, c.path)),
        );
    if (!drift) return;
    const release = out.get(w.key) ?? { objects: [] };
    release.objects.push(drift);
    out.set(w.key, release);
  });
  return out;
}

function changed(id: Omit<ObjectDrift, 'missing' | 'changes'>, changes: ObjectDrift['changes']) {
  return changes.length > 0 ? { ...id, missing: false, changes } : undefined;
}

/**
 * The objects helm keeps in the cluster for a release: hooks are left out (helm runs them and,
 * by their delete policy, removes them; they are not part of the release's steady state).
 */
export function managedObjects(manifest: string): Obj[] {
  const out: Obj[] = [];
  for (const doc of helmDocuments(manifest)) {
    const body = loadDocument(doc.text);
    if (!isMap(body) || typeof body.kind !== 'string' || typeof body.apiVersion !== 'string') continue;
    const meta = isMap(body.metadata) ? body.metadata : {};
    if (typeof meta.name !== 'string' || meta.name === '') continue;
    if (isMap(meta.annotations) && meta.annotations['helm.sh/hook'] !== undefined) continue;
    out.push(body);
  }
  return out;
}

function queryOf(body: Obj, releaseNamespace: string): LiveQuery {
  const meta = body.metadata as Obj;
  const labels = isMap(meta.labels)
    ? Object.fromEntries(Object.entries(meta.labels).map(([k, v]) => [k, String(v)]))
    : {};
  return {
    apiVersion: body.apiVersion as string,
    kind: body.kind as string,
    name: meta.name as string,
    namespace: typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : releaseNamespace,
    labels,
  };
}

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
