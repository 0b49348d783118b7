// The destroy plan, a pure function of what runlevel recorded, what the values render and what
// helm lists: one batch per runlevel, the last runlevel first (what later runlevels use is
// still there while they go).
import type { HelmRelease } from '../shared/helm.js';
import { type DeployedRelease, releaseKey } from './record.js';

export interface DestroyTarget {
  runlevel: string;
  name: string;
  namespace: string;
}

export interface DestroyBatch {
  runlevel: string;
  releases: DestroyTarget[];
}

/**
 * Every release the record says runlevel deployed, plus releases the current render names that
 * helm has (a deploy that crashed before recording them); nothing else helm lists is touched.
 */
export function planDestroy(
  recorded: readonly DeployedRelease[],
  rendered: readonly DestroyTarget[],
  helm: readonly HelmRelease[],
): DestroyBatch[] {
  const inHelm = new Set(helm.map(releaseKey));
  const chosen = new Map<string, DestroyTarget>();
  for (const r of recorded)
    chosen.set(releaseKey(r), { runlevel: r.runlevel, name: r.name, namespace: r.namespace });
  for (const r of rendered)
    if (inHelm.has(releaseKey(r)) && !chosen.has(releaseKey(r))) chosen.set(releaseKey(r), r);
  const byRunlevel = new Map<string, DestroyTarget[]>();
  for (const r of chosen.values()) byRunlevel.set(r.runlevel, [...(byRunlevel.get(r.runlevel) ?? []), r]);
  return [...byRunlevel]
    .sort(([a], [b]) => b.localeCompare(a))
    .map(([runlevel, releases]) => ({
      runlevel,
      releases: releases.sort((a, b) => a.name.localeCompare(b.name)),
    }));
}
