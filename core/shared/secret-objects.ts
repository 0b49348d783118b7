// Kubernetes Secrets in output for people: their data is masked by what the object is (kind
// Secret), not by what we know of its values, because charts make Secret values of their own
// (random passwords, keys derived from ours, lookups) that no values file holds.
import { loadDocument } from './yaml/objects.js';
import { stringifyYaml } from './yaml/plain.js';

export const secretDataFields = ['data', 'stringData'] as const;

type Obj = Record<string, unknown>;

export function isSecretObject(obj: Obj | undefined): boolean {
  return obj?.kind === 'Secret' && (obj.apiVersion === 'v1' || obj.apiVersion === undefined);
}

/** A copy of a Secret with every data/stringData value replaced by `mask`; other objects as they are. */
export function maskSecretData(obj: Obj, mask: string): Obj {
  if (!isSecretObject(obj)) return obj;
  const out: Obj = { ...obj };
  for (const field of secretDataFields) {
    const values = obj[field];
    if (typeof values !== 'object' || values === null || Array.isArray(values)) continue;
    out[field] = Object.fromEntries(Object.keys(values).map((k) => [k, mask]));
  }
  return out;
}

const separator = /(^---[ \t]*$\n?)/m;
const mayBeSecret = /^kind:[ \t]*["']?Secret["']?[ \t]*$/m;

/**
 * A YAML stream (helm's output) with the data of every Secret masked. Every other document, and
 * the separators and comments around them, stay byte for byte. Returns how many were masked.
 */
export function maskSecretDocuments(stream: string, mask: string): { text: string; masked: number } {
  let masked = 0;
  const parts = stream.split(separator).map((part) => {
    if (separator.test(part) || !mayBeSecret.test(part)) return part;
    const comments = part.match(/^(?:#.*\n)*/)?.[0] ?? '';
    let body: unknown;
    try {
      body = loadDocument(part);
    } catch {
      // Not YAML (check reports it): what looks like a Secret is left out rather than shown.
      masked++;
      return `${comments}# a Secret whose YAML does not parse: not shown (${mask})\n`;
    }
    if (typeof body !== 'object' || body === null || !isSecretObject(body as Obj)) return part;
    masked++;
    return `${comments}${stringifyYaml(maskSecretData(body as Obj, mask), { lineWidth: 0 })}`;
  });
  return { text: parts.join(''), masked };
}
