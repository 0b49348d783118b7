// One object as its manifest sets it against the object the API server holds: only the fields the
// manifest sets are compared, so whatever the server, controllers or admission add (defaults,
// status, extra labels and annotations) is not drift. What the server rewrites without changing
// the meaning is normalised: quantities (`0.5` = `500m`), zero values it leaves out (`false`, `0`,
// `""`, `{}`, `[]` against absent), and a Secret's stringData (the server folds it into data).
// Pure: both objects come from the caller.
import { formatPath, type Segment } from '../shared/field-path.js';
import { sameQuantity } from './quantity.js';
import type { FieldChange } from './types.js';

type Obj = Record<string, unknown>;

/** Fields that name the object; the live read matched them already. */
const identityFields = new Set(['apiVersion', 'kind']);
const identityMeta = new Set(['name', 'namespace']);

/**
 * Lists whose items the API merges by a key (containers by name, ports by port, mounts by path):
 * items are matched by it, and items only the live list has (a sidecar an admission webhook
 * injected) are not drift. Other lists are compared item by item and must have the same length.
 */
const mergeKeys = ['name', 'containerPort', 'port', 'mountPath', 'devicePath'] as const;

export function compareObject(want: Obj, live: Obj): FieldChange[] {
  const secret = want.kind === 'Secret' && (want.apiVersion === 'v1' || want.apiVersion === undefined);
  const changes: FieldChange[] = [];
  const desired = secret ? withStringDataFolded(want) : want;
  for (const [key, value] of Object.entries(desired)) {
    if (identityFields.has(key)) continue;
    if (key === 'metadata' && isMap(value)) {
      const meta = Object.fromEntries(Object.entries(value).filter(([k]) => !identityMeta.has(k)));
      walk(meta, live.metadata, [{ key }], changes, { quantities: false });
    } else if (secret && key === 'data') {
      compareSecretData(value, live.data, changes);
    } else {
      // ConfigMap data is text: "1.0" and "1" are two different files.
      const quantities = !(want.kind === 'ConfigMap' && (key === 'data' || key === 'binaryData'));
      walk(value, live[key], [{ key }], changes, { quantities });
    }
  }
  return secret ? changes.map(({ path }) => ({ path })) : changes;
}

function walk(
  want: unknown,
  live: unknown,
  path: Segment[],
  out: FieldChange[],
  opts: { quantities: boolean },
): void {
  if (want === null || want === undefined) return; // a manifest's null sets nothing
  const absent = live === undefined || live === null;
  if (absent && isZero(want)) return;
  if (isMap(want)) {
    const liveMap = isMap(live) ? live : absent ? {} : undefined;
    if (!liveMap) {
      out.push(change(path, want, live));
      return;
    }
    for (const [k, v] of Object.entries(want)) walk(v, liveMap[k], [...path, { key: k }], out, opts);
    return;
  }
  if (Array.isArray(want)) {
    const liveList = Array.isArray(live) ? live : absent ? [] : undefined;
    if (!liveList) {
      out.push(change(path, want, live));
      return;
    }
    const key = mergeKeyOf(want);
    if (key) {
      for (const item of want as Obj[]) {
        const id = item[key];
        const match = liveList.find((l) => isMap(l) && scalarEqual(l[key], id, true));
        const at = [...path, { item: `${key}=${String(id)}` }];
        if (match === undefined) out.push(change(at, item, undefined));
        else walk(item, match, at, out, opts);
      }
      return;
    }
    if (want.length !== liveList.length) {
      out.push(change(path, want, live));
      return;
    }
    want.forEach((w, i) => {
      walk(w, liveList[i], [...path, { item: String(i) }], out, opts);
    });
    return;
  }
  if (!scalarEqual(want, live, opts.quantities)) out.push(change(path, want, live));
}

/** The key this list's items are merged by: present as a scalar in every item, and unique. */
function mergeKeyOf(list: unknown[]): string | undefined {
  if (list.length === 0 || !list.every(isMap)) return undefined;
  return mergeKeys.find((k) => {
    const ids = (list as Obj[]).map((item) => item[k]);
    return (
      ids.every((id) => typeof id === 'string' || typeof id === 'number') && new Set(ids).size === ids.length
    );
  });
}

function scalarEqual(want: unknown, live: unknown, quantities: boolean): boolean {
  if (want === live) return true;
  if (live === undefined || live === null) return false;
  // int-or-string fields keep what was sent, but a number may come back as its string (quantities).
  if (typeof want === 'number' && typeof live === 'string' && String(want) === live) return true;
  return quantities && sameQuantity(want, live);
}

/** A Secret's stringData lands in data (base64) on the server; compare it there. */
function withStringDataFolded(want: Obj): Obj {
  if (!isMap(want.stringData)) return want;
  const data: Obj = { ...(isMap(want.data) ? want.data : {}) };
  for (const [k, v] of Object.entries(want.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
  const { stringData: _folded, ...rest } = want;
  return { ...rest, data };
}

/** Per key, by decoded bytes (base64 has more than one spelling); never the values themselves. */
function compareSecretData(want: unknown, live: unknown, out: FieldChange[]): void {
  if (!isMap(want)) return;
  const liveData = isMap(live) ? live : {};
  for (const [k, v] of Object.entries(want)) {
    const a = Buffer.from(String(v ?? ''), 'base64');
    const b = liveData[k] === undefined ? undefined : Buffer.from(String(liveData[k]), 'base64');
    if (!b && a.length === 0) continue;
    if (!b || !a.equals(b)) out.push({ path: formatPath([{ key: 'data' }, { key: k }]) });
  }
}

function change(path: Segment[], want: unknown, live: unknown): FieldChange {
  return { path: formatPath(path), want: printable(want), live: printable(live) };
}

const maxPrintable = 80;

function printable(v: unknown): string {
  if (v === undefined || v === null) return '(absent)';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > maxPrintable ? `${text.slice(0, maxPrintable - 1)}…` : text;
}

function isZero(v: unknown): boolean {
  if (v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return isMap(v) && Object.keys(v).length === 0;
}

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
