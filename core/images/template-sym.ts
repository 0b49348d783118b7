// The symbolic values template-trace.ts reads templates with: what `.`, a variable or an operand
// stands for (the root context, a `.Values` pointer, a dict or list built in the template), and
// how `.field`s and `range` items move through them.

/** A pointer segment standing for every item of a values list or map that `range` walks. */
export const ITEM = '*';

/** Functions whose result is no value of the chart's (a test, a count, a whole tree as text). */
export const opaque = new Set(
  'and or not eq ne len empty hasKey kindIs semverCompare toYaml toJson'.split(' '),
);

export type Sym =
  | { root: true }
  | { values: string }
  | { chart: true }
  | { appVersion: true }
  | { dict: Record<string, Sym> }
  | { list: Sym[] }
  | { of: Sym[] }; // computed from these (printf, default, quote …)

export interface Scope {
  dot: Sym;
  vars: Map<string, Sym>;
}

export function dotOf(scopes: Scope[]): Sym {
  return scopes[scopes.length - 1]?.dot ?? { root: true };
}

export function path(sym: Sym, text: string): Sym {
  let out = sym;
  for (const name of text.split('.').filter(Boolean)) out = field(out, name);
  return out;
}

export function field(sym: Sym, name: string): Sym {
  if ('root' in sym)
    return name === 'Values' ? { values: '' } : name === 'Chart' ? { chart: true } : { of: [] };
  if ('chart' in sym) return name === 'AppVersion' ? { appVersion: true } : { of: [] };
  if ('values' in sym) return { values: `${sym.values}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}` };
  if ('dict' in sym) return sym.dict[name] ?? { of: [] };
  return { of: [] };
}

/**
 * What `range` gives `.`: any item of a values list or map (`/sidecars/*`; origins.ts finds which
 * one by the value the reference holds), each item of a list or dict built in the template.
 */
export function element(sym: Sym): Sym {
  if ('values' in sym) return { values: `${sym.values}/${ITEM}` };
  if ('list' in sym) return { of: sym.list };
  if ('dict' in sym) return { of: Object.values(sym.dict) };
  return { of: [] };
}
