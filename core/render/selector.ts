// Release selectors with helmfile's meaning: `k=v,k2!=v2` is an AND of its terms, and several
// --selector flags are an OR. Applied to the labels helmfile reports for each release.
import { UserError } from '../shared/errors.js';

export interface SelectorTerm {
  key: string;
  value: string;
  negate: boolean;
}
export type Selector = SelectorTerm[];

export function parseSelectors(raw: readonly string[]): Selector[] {
  return raw.map((s) => {
    const terms = s.split(',').map((t) => t.trim());
    return terms.map((term) => {
      const m = /^([A-Za-z0-9_.\-/]+)(!=|=)(.*)$/.exec(term);
      if (!m?.[1] || !m[2] || m[3] === undefined) {
        throw new UserError(`--selector ${JSON.stringify(s)}: "${term}" is not key=value or key!=value`, {
          hint: 'e.g. --selector runlevel=90-apps,team=alpha; labels: runlevel, team, app, name, namespace, chart',
        });
      }
      return { key: m[1], value: m[3], negate: m[2] === '!=' };
    });
  });
}

export function matchesAny(
  selectors: readonly Selector[],
  labels: Readonly<Record<string, string>>,
): boolean {
  if (selectors.length === 0) return true;
  return selectors.some((sel) => sel.every((t) => ((labels[t.key] ?? '') === t.value) !== t.negate));
}

/** False only when every selector requires another runlevel (runlevel=X): that file need not be planned. */
export function mayMatchRunlevel(selectors: readonly Selector[], runlevel: string): boolean {
  if (selectors.length === 0) return true;
  return selectors.some((sel) =>
    sel.every((t) => t.key !== 'runlevel' || (t.value === runlevel) !== t.negate),
  );
}
