// The values of added charts live under `charts.<release>` in the values repo (docs/charts.md). A
// key there that no release reads is most likely a typo of a release name, and its values would be
// dropped without a word: say so, with the nearest release name.
import { closest } from '../shared/edit-distance.js';
import { log } from '../shared/log.js';

export interface UnreadChartValues {
  key: string;
  guess: string | undefined;
}

/** Keys of `charts:` that name no rendered release, each with the closest release name. */
export function unreadChartValues(values: unknown, releases: readonly string[]): UnreadChartValues[] {
  const charts = (values as { charts?: unknown } | undefined)?.charts;
  if (typeof charts !== 'object' || charts === null || Array.isArray(charts)) return [];
  const names = new Set(releases);
  return Object.keys(charts)
    .filter((key) => !names.has(key))
    .sort()
    .map((key) => ({ key, guess: closest(key, releases) }));
}

/** Warn about each charts.<release> key no rendered release reads (a render of every release). */
export function warnUnreadChartValues(values: unknown, releases: readonly { name: string }[]): void {
  for (const u of unreadChartValues(
    values,
    releases.map((r) => r.name),
  )) {
    const guess = u.guess ? `; did you mean "${u.guess}"?` : '';
    log.warn(`charts.${u.key}: no release of that name was rendered, so nothing reads these values${guess}`);
  }
}
