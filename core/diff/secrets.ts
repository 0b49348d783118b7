// Secret values never reach diff output. Before two versions of a Secret are compared as text,
// every data/stringData value is replaced by a marker that says only whether it changed: the
// comparison is made on hashes, so the values themselves are dropped here and go no further.
import { createHash } from 'node:crypto';
import { secretDataFields as secretFields } from '../shared/secret-objects.js';

export type KeyChange = 'added' | 'removed' | 'changed' | 'unchanged';

export const masked = {
  old: '***',
  unchanged: '*** (unchanged)',
  changed: '*** (changed)',
  added: '*** (added)',
} as const;

type Obj = Record<string, unknown>;

export { isSecretObject as isSecret } from '../shared/secret-objects.js';

const digest = (v: unknown) =>
  createHash('sha256')
    .update(typeof v === 'string' ? v : JSON.stringify(v ?? null))
    .digest('hex');

/**
 * Masked copies of a Secret as deployed (`from`) and as it would be (`to`), either possibly
 * absent, and per key (`data.password`, `stringData.x`) what happens to its value.
 */
export function maskSecretPair(
  from: Obj | undefined,
  to: Obj | undefined,
): { from: Obj | undefined; to: Obj | undefined; keys: Record<string, KeyChange> } {
  const keys: Record<string, KeyChange> = {};
  const outFrom = from ? { ...from } : undefined;
  const outTo = to ? { ...to } : undefined;
  for (const field of secretFields) {
    const a = asMap(from?.[field]);
    const b = asMap(to?.[field]);
    if (!a && !b) continue;
    const maskedA: Obj = {};
    const maskedB: Obj = {};
    for (const k of Object.keys(a ?? {})) {
      const inB = b !== undefined && Object.hasOwn(b, k);
      const same = inB && digest(a?.[k]) === digest(b?.[k]);
      // Unchanged keys read the same on both sides, so the text diff shows them as context only.
      maskedA[k] = same ? masked.unchanged : masked.old;
      keys[`${field}.${k}`] = !inB ? 'removed' : same ? 'unchanged' : 'changed';
    }
    for (const k of Object.keys(b ?? {})) {
      const change = keys[`${field}.${k}`] ?? 'added';
      keys[`${field}.${k}`] = change;
      maskedB[k] = masked[change === 'removed' ? 'old' : change];
    }
    if (outFrom && a) outFrom[field] = maskedA;
    if (outTo && b) outTo[field] = maskedB;
  }
  // The last-applied annotation kubectl writes would carry the values again.
  for (const o of [outFrom, outTo]) if (o) stripLastApplied(o);
  return { from: outFrom, to: outTo, keys };
}

function stripLastApplied(o: Obj): void {
  const meta = asMap(o.metadata);
  const annotations = asMap(meta?.annotations);
  const key = 'kubectl.kubernetes.io/last-applied-configuration';
  if (!meta || !annotations || !(key in annotations)) return;
  o.metadata = { ...meta, annotations: { ...annotations, [key]: masked.old } };
}

function asMap(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}
