// The merged values for people and programs: YAML or JSON, secrets replaced by ***, and with
// --show-origin the file:line:col that set each value.
import { stringifyYaml } from '../shared/yaml/plain.js';
import type { Resolved } from './index.js';
import { dotted, isMap, type Origin, type Origins, parsePointer, pointer, type Value } from './model.js';

export const redacted = '***';

export function printValues(r: Resolved, opts: { format: 'yaml' | 'json'; showOrigin: boolean }): string {
  const values = redact(r.values, [], r.secretPaths);
  if (opts.format === 'json') {
    if (!opts.showOrigin) return JSON.stringify(values, null, 2);
    const origins: Record<string, string> = {};
    for (const [ptr, o] of r.origins)
      if (isLeaf(values, ptr)) origins[dotted(parsePointer(ptr))] = describe(o);
    return JSON.stringify({ values, origins }, null, 2);
  }
  if (!opts.showOrigin) return stringifyYaml(values, { lineWidth: 0 });
  const lines: string[] = [];
  emitMap(values as { [key: string]: Value }, [], 0, lines, r.origins);
  return `${lines.join('\n')}\n`;
}

/** A small YAML emitter so that every leaf can carry its origin as a trailing comment. */
function emitMap(
  map: { [key: string]: Value },
  path: string[],
  indent: number,
  out: string[],
  origins: Origins,
): void {
  const pad = ' '.repeat(indent);
  for (const key of Object.keys(map)) {
    const v = map[key] as Value;
    const p = [...path, key];
    const k = scalar(key);
    if (isNested(v)) {
      out.push(`${pad}${k}:`);
      emitNested(v, p, indent + 2, out, origins);
    } else out.push(`${pad}${k}: ${scalar(v)}${comment(origins.get(pointer(p)))}`);
  }
}

function emitNested(
  v: Value[] | { [key: string]: Value },
  path: string[],
  indent: number,
  out: string[],
  origins: Origins,
) {
  if (!Array.isArray(v)) return emitMap(v, path, indent, out, origins);
  const pad = ' '.repeat(indent);
  v.forEach((item, i) => {
    const p = [...path, String(i)];
    if (!isNested(item)) {
      out.push(`${pad}- ${scalar(item)}${comment(origins.get(pointer(p)))}`);
      return;
    }
    const start = out.length;
    emitNested(item, p, indent + 2, out, origins);
    out[start] = `${pad}- ${(out[start] ?? '').slice(indent + 2)}`;
  });
}

function isNested(v: Value): v is Value[] | { [key: string]: Value } {
  return Array.isArray(v) ? v.length > 0 : isMap(v) && Object.keys(v).length > 0;
}

function scalar(v: Value | string): string {
  if (typeof v === 'string' && v.includes('\n')) return JSON.stringify(v);
  return stringifyYaml(v, { lineWidth: 0, flowCollectionPadding: false }).trimEnd();
}

function comment(o: Origin | undefined): string {
  return o ? `  # ${describe(o)}` : '';
}

function describe(o: Origin): string {
  return o.layer === 'defaults' ? 'default' : `${o.file}:${o.line}:${o.col}`;
}

/** A plain copy with secrets replaced; every node of the resolved values came from YAML or the schema. */
function redact(value: unknown, path: string[], secretPaths: Set<string>): Value {
  if (secretPaths.has(pointer(path)) && !isMap(value) && !Array.isArray(value)) return redacted;
  if (Array.isArray(value)) return value.map((v, i) => redact(v, [...path, String(i)], secretPaths));
  if (isMap(value)) {
    const out: { [key: string]: Value } = {};
    for (const k of Object.keys(value)) out[k] = redact(value[k], [...path, k], secretPaths);
    return out;
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
}

function isLeaf(values: Value, ptr: string): boolean {
  let cur: Value | undefined = values;
  for (const k of parsePointer(ptr))
    cur = Array.isArray(cur) ? cur[Number(k)] : isMap(cur) ? cur[k] : undefined;
  if (cur === undefined) return false;
  return !isNested(cur);
}
