// The pure middle of the rehearsal: two sets of release renders compared release by release and
// object by object (core/diff's object diff, Secrets masked there: a changed Secret reads
// "*** (changed)", never a value). Releases on one side only are installs or prunes.
import { type DiffLabels, diffManifests, parseObjects, type VaryingTemplate } from '../diff/objects.js';
import type { ReleaseDiff } from '../diff/types.js';
import type { Comparison, ReleaseRender } from './types.js';

export interface CompareOptions {
  labels: DiffLabels;
  /** Per release key (namespace/name), the templates whose objects are not repeatable. */
  varying?: ReadonlyMap<string, ReadonlyMap<string, VaryingTemplate>>;
}

export const releaseKeyOf = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;

export function compareRenders(
  before: readonly ReleaseRender[],
  after: readonly ReleaseRender[],
  opts: CompareOptions,
): Comparison {
  const old = new Map(before.map((r) => [releaseKeyOf(r), r]));
  const seen = new Set<string>();
  const releases: ReleaseDiff[] = [];
  let unchanged = 0;
  for (const r of after) {
    const key = releaseKeyOf(r);
    seen.add(key);
    const b = old.get(key);
    const objects = diffManifests(b?.manifest ?? '', r.manifest, opts.varying?.get(key), opts.labels);
    const base = { runlevel: r.runlevel, release: r.name, namespace: r.namespace, objects };
    if (!b) {
      releases.push({ ...base, action: 'install', reason: `only in ${opts.labels.to}` });
      continue;
    }
    if (objects.added.length + objects.removed.length + objects.changed.length === 0) {
      unchanged++;
      continue;
    }
    releases.push({ ...base, action: 'upgrade', reason: `${opts.labels.to} differs` });
  }
  for (const [key, b] of old) {
    if (seen.has(key)) continue;
    const removed = [...parseObjects(b.manifest).values()].map((o) => o.id);
    releases.push({
      runlevel: b.runlevel,
      release: b.name,
      namespace: b.namespace,
      action: 'prune',
      reason: `not in ${opts.labels.to}`,
      objects: { added: [], removed, changed: [] },
    });
  }
  // Runlevel names sort in their order (00-init before 10-policies), then releases by name.
  releases.sort((x, y) => x.runlevel.localeCompare(y.runlevel) || x.release.localeCompare(y.release));
  const count = (k: 'added' | 'removed' | 'changed') => releases.reduce((n, r) => n + r.objects[k].length, 0);
  return {
    releases,
    unchanged,
    objects: { added: count('added'), removed: count('removed'), changed: count('changed') },
  };
}
