// YAML without positions, through the `yaml` library: small files read whole (Chart.yaml, the
// policy catalog, CRDs) and every YAML we write. Where positions are
// needed use full.ts; for many machine-written objects, objects.ts; for values files, fast.ts.
import { parse, parseAllDocuments, stringify, type ToStringOptions } from 'yaml';

/** One document as plain data (yaml's core schema); throws on a syntax error. */
export function parseYaml(text: string): unknown {
  return parse(text);
}

/** Every document of a stream as plain data, in order. */
export function parseYamlStream(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => doc.toJS() as unknown);
}

export function stringifyYaml(value: unknown, options?: ToStringOptions): string {
  return stringify(value, options);
}
