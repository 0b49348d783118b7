// ResolvedValues for tests that care about a few settings: the settings given, over a minimal
// cluster, with the schema's defaults filled in and validated as the values stage does, so a test
// states only what it is about and still hands a stage the type it takes.
import type { ResolvedValues } from '../../core/values/index.js';
import { validators } from '../../core/values/validate.js';

/** Any part of the values; lists are given whole, as a values layer replaces them. */
export type ValuesSettings<T = ResolvedValues> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: ValuesSettings<T[K]> }
    : T;

const minimal = { cluster: { name: 'dev', environment: 'dev', domain: 'dev.example.com' } };

export function resolvedValues(settings: ValuesSettings = {}): ResolvedValues {
  const values = merge(structuredClone(minimal), settings);
  const check = validators().values;
  if (check(values)) return values;
  throw new Error(`the test's values do not match the schema: ${JSON.stringify(check.errors, null, 2)}`);
}

function merge(base: Record<string, unknown>, over: object): Record<string, unknown> {
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    base[k] = isMap(v) && isMap(b) ? merge(b, v) : structuredClone(v);
  }
  return base;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
