// Every string of a status through the one mask (core/shared/mask.ts) before the server holds it:
// the JSON and every page are made from the masked copy, so neither can show a secret.

export function maskDeep<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, mask)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[mask(k)] = maskDeep(v, mask);
    return out as T;
  }
  return value;
}
