// Two manifests of one release compared object by object: what is added, removed, and for each
// changed object a unified diff of its YAML. Pure: the manifests come from the caller.

import { isTestHook } from '../render/hooks.js';
import { helmDocuments } from '../render/manifests.js';
import { parseYaml, stringifyYaml } from '../shared/yaml/plain.js';
import { isSecret, type KeyChange, maskSecretPair } from './secrets.js';
import { unifiedDiff } from './unified.js';

export interface ObjectId {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ChangedObject extends ObjectId {
  /** Unified diff (3 lines of context) of the object's YAML, deployed → on disk; Secrets masked. */
  diff: string;
  /** For Secrets: per data/stringData key whether its value changed (values never shown). */
  secretKeys?: Record<string, KeyChange>;
  /** Fields its template writes with lookup, randomness or the clock, left out of `diff`. */
  leftOut?: { fields: string[]; varies: string[] };
}

/** What render/varying.ts says of one template source: why it varies and the key paths it writes so. */
export interface VaryingTemplate {
  varies: readonly string[];
  fields: readonly (readonly string[])[];
}

export interface ManifestDiff {
  added: ObjectId[];
  removed: ObjectId[];
  changed: ChangedObject[];
  /**
   * Objects that differ only in the fields their templates write with lookup, randomness or the
   * clock (render/varying.ts): a render cannot say what a deploy makes of those, so they are not
   * counted as changes. An object that differs anywhere else is in `changed`, those fields left out.
   */
  varying?: (ChangedObject & { varies: string[] })[];
}

type Obj = Record<string, unknown>;

interface Parsed {
  id: ObjectId;
  body: Obj;
  source: string; // helm's # Source: template path
}

/** Objects of a manifest by identity. API group, not version: moving v1beta1 → v1 is a change. */
export function parseObjects(manifest: string): Map<string, Parsed> {
  const out = new Map<string, Parsed>();
  for (const doc of helmDocuments(manifest)) {
    const body = parseYaml(doc.text);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) continue;
    const obj = body as Obj;
    const meta = (obj.metadata ?? {}) as Obj;
    const id: ObjectId = {
      apiVersion: String(obj.apiVersion ?? ''),
      kind: String(obj.kind ?? ''),
      name: String(meta.name ?? ''),
      ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
    };
    // helm test hooks exist only under `helm test`: a deploy never makes or changes them.
    if (isTestHook(obj)) continue;
    out.set(identity(id), { id, body: obj, source: doc.source });
  }
  return out;
}

export function identity(id: ObjectId): string {
  const group = id.apiVersion.includes('/') ? id.apiVersion.split('/')[0] : '';
  return `${group}/${id.kind}/${id.namespace ?? ''}/${id.name}`;
}

/** How the two sides are named in each object's diff header. */
export interface DiffLabels {
  from: string;
  to: string;
}

const deployLabels: DiffLabels = { from: 'deployed', to: 'values on disk' };

/**
 * `varying`: helm's # Source: path → why objects rendered from it are not repeatable, and where.
 * `labels`: what the two sides are (the upgrade rehearsal compares two cores' renders).
 */
export function diffManifests(
  deployed: string,
  desired: string,
  varying: ReadonlyMap<string, VaryingTemplate> = new Map(),
  labels: DiffLabels = deployLabels,
): ManifestDiff {
  const before = parseObjects(deployed);
  const after = parseObjects(desired);
  const result: ManifestDiff = { added: [], removed: [], changed: [] };
  const varies: NonNullable<ManifestDiff['varying']> = [];
  for (const [key, b] of before) if (!after.has(key)) result.removed.push(b.id);
  for (const [key, a] of after) {
    const b = before.get(key);
    if (!b) {
      result.added.push(a.id);
      continue;
    }
    const changed = diffObject(b.body, a.body, a.id, labels);
    if (!changed) continue;
    const why = varying.get(a.source);
    if (!why) {
      result.changed.push(changed);
      continue;
    }
    // Never hide a change: compare again without the varying fields; what still differs is one.
    const fields = why.fields.filter((f) => f.some((k) => k !== '*'));
    const rest = diffObject(
      leaveOut(b.body, [], fields) as Obj,
      leaveOut(a.body, [], fields) as Obj,
      a.id,
      labels,
    );
    if (!rest) varies.push({ ...changed, varies: [...why.varies] });
    else {
      const leftOut = { fields: fields.map((f) => f.join('.')), varies: [...why.varies] };
      result.changed.push({ ...rest, ...(fields.length > 0 ? { leftOut } : {}) });
    }
  }
  if (varies.length > 0) result.varying = varies.sort((x, y) => identity(x).localeCompare(identity(y)));
  const order = (x: ObjectId, y: ObjectId) => identity(x).localeCompare(identity(y));
  result.added.sort(order);
  result.removed.sort(order);
  result.changed.sort(order);
  return result;
}

function diffObject(from: Obj, to: Obj, id: ObjectId, labels: DiffLabels): ChangedObject | undefined {
  let secretKeys: Record<string, KeyChange> | undefined;
  if (isSecret(from) || isSecret(to)) {
    const m = maskSecretPair(from, to);
    from = m.from ?? {};
    to = m.to ?? {};
    secretKeys = m.keys;
  }
  const label = `${id.kind}/${id.name}`;
  const diff = unifiedDiff(yamlOf(from), yamlOf(to), {
    fromLabel: `${label} (${labels.from})`,
    toLabel: `${label} (${labels.to})`,
  });
  if (diff === '') return undefined;
  return { ...id, diff, ...(secretKeys ? { secretKeys } : {}) };
}

/** `node` without the fields whose key path ends with one of `fields` (`*` any key; lists are see-through). */
function leaveOut(node: unknown, trail: readonly string[], fields: readonly (readonly string[])[]): unknown {
  if (Array.isArray(node)) return node.map((n) => leaveOut(n, trail, fields));
  if (typeof node !== 'object' || node === null) return node;
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    const path = [...trail, k];
    const at = (f: readonly string[]) =>
      f.length <= path.length && f.every((seg, i) => seg === '*' || seg === path[path.length - f.length + i]);
    if (!fields.some(at)) out[k] = leaveOut(v, path, fields);
  }
  return out;
}

/** The chart's own key order, re-serialised so comments and quoting style do not count as changes. */
function yamlOf(obj: Obj): string {
  return stringifyYaml(obj, { lineWidth: 0 });
}
