// apiVersion, kind, name and namespace of one rendered document without parsing it all: render
// splits helm's output by it and the image rewrite (shared/images) skips what holds no image by it.
import { parseYaml } from './plain.js';

export interface Header {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  hook?: string;
}

/**
 * apiVersion, kind, metadata.name and metadata.namespace of one document. Helm output is block
 * YAML, so a line scan finds them without parsing the whole object (parsing every object was a
 * fifth of the render time); anything unusual falls back to the YAML parser.
 */
export function objectHeader(text: string): Header | undefined {
  // Hooks are few: their annotations are read by the full parser.
  if (text.includes('helm.sh/hook')) return parsedHeader(text);
  const top: Record<string, string> = {};
  const meta: Record<string, string> = {};
  let inMeta = false;
  let metaIndent = '';
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line === '---') continue;
    if (!/^\s/.test(line)) {
      inMeta = line === 'metadata:';
      const m = /^(apiVersion|kind): *(.*)$/.exec(line);
      if (m?.[1]) top[m[1]] = m[2] ?? '';
      else if (!inMeta && /^metadata:/.test(line)) return parsedHeader(text); // flow style
      continue;
    }
    if (!inMeta) continue;
    // metadata's own keys sit at the indentation of its first child; deeper ones (labels) do not count.
    if (!metaIndent) metaIndent = /^(\s+)/.exec(line)?.[1] ?? '';
    const m = /^(\s+)(name|namespace): *(.*)$/.exec(line);
    if (m?.[2] && m[1] === metaIndent) meta[m[2]] = m[3] ?? '';
  }
  const scalars = [top.apiVersion, top.kind, meta.name, meta.namespace];
  if (top.apiVersion === undefined && top.kind === undefined) return parsedHeader(text);
  if (scalars.some((v) => v !== undefined && !/^[\w./@:-]*$/.test(v))) return parsedHeader(text); // quoted or odd
  return {
    apiVersion: top.apiVersion ?? '',
    kind: top.kind ?? '',
    name: meta.name ?? '',
    namespace: meta.namespace,
  };
}

function parsedHeader(text: string): Header | undefined {
  const body = parseYaml(text) as Record<string, unknown> | null;
  if (!body || typeof body !== 'object') return undefined;
  const meta = (body.metadata ?? {}) as Record<string, unknown>;
  const hook = (meta.annotations as Record<string, unknown> | undefined)?.['helm.sh/hook'];
  return {
    apiVersion: String(body.apiVersion ?? ''),
    kind: String(body.kind ?? ''),
    name: String(meta.name ?? ''),
    namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
    ...(typeof hook === 'string' && hook.trim() !== '' ? { hook: hook.replace(/\s+/g, '') } : {}),
  };
}
