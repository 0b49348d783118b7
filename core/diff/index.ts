// The diff stage: what a deploy would change, release by release and object by object.
//
// Deployed side: the manifest helm stored with each release (`helm get manifest`), not a
// server-side dry-run. Why: helm's record is exactly what the last deploy applied, it is read
// without mutating webhooks or admission running, it needs no plugin (helm-diff) and no
// permissions beyond reading the release Secrets, and one small read per release is fast,
// done in parallel. The price: changes made to live objects behind helm's back (kubectl edit)
// do not show here; live drift is found by the plan (core/drift) and carried on each release.
//
// Only releases the deploy plan would touch are fetched: a release whose digest matches the
// record (chart version, values and rendered manifest unchanged) is skipped without a read.
import type { DeployPlan, PlannedRelease } from '../deploy/plan.js';
import { mapLimit } from '../shared/pool.js';
import { diffManifests, type ManifestDiff, parseObjects, type VaryingTemplate } from './objects.js';
import type { DiffReport, ReleaseDiff } from './types.js';

export { formatDiffText } from './format.js';
export type { ChangedObject, ManifestDiff, ObjectId } from './objects.js';
export type { DiffAction, DiffReport, ReleaseDiff } from './types.js';

export interface DiffOptions {
  cluster: string;
  plan: DeployPlan;
  /** The rendered manifest per release key (namespace/name), from the render stage. */
  manifests: Map<string, string>;
  /** Reads the manifest helm stored for a release; undefined when helm has none. */
  deployedManifest(name: string, namespace: string): Promise<string | undefined>;
  concurrency?: number;
  /** Per release key, the template sources whose objects are not repeatable (render/varying.ts). */
  varying?: ReadonlyMap<string, ReadonlyMap<string, VaryingTemplate>>;
}

const keyOf = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;

export async function diffPlatform(opts: DiffOptions): Promise<DiffReport> {
  const planned = opts.plan.runlevels.flatMap((rl) => rl.waves.flat());
  const pending = planned.filter((p) => p.action !== 'unchanged');
  const concurrency = opts.concurrency ?? 8;

  const upgrades = await mapLimit(pending, concurrency, async (p): Promise<ReleaseDiff> => {
    // A repair changes no manifest: what differs is the live objects, which the plan read already.
    if (p.action === 'repair') return releaseDiff(p, { added: [], removed: [], changed: [] });
    const desired = opts.manifests.get(keyOf(p.release)) ?? '';
    // "install" per the plan can still find a manifest (a pending first install helm kept).
    const deployed =
      p.action === 'install' ? undefined : await opts.deployedManifest(p.release.name, p.release.namespace);
    return releaseDiff(p, diffManifests(deployed ?? '', desired, opts.varying?.get(keyOf(p.release))));
  });
  const prunes = await mapLimit(opts.plan.prune, concurrency, async (p): Promise<ReleaseDiff> => {
    const deployed = (await opts.deployedManifest(p.name, p.namespace)) ?? '';
    const removed = [...parseObjects(deployed).values()].map((o) => o.id);
    return {
      runlevel: p.runlevel,
      release: p.name,
      namespace: p.namespace,
      action: 'prune',
      reason: 'removed from values',
      objects: { added: [], removed, changed: [] },
    };
  });
  return {
    cluster: opts.cluster,
    changes: opts.plan.changes,
    unchanged: planned.length - pending.length,
    releases: [...upgrades, ...prunes],
  };
}

function releaseDiff(p: PlannedRelease, objects: ManifestDiff): ReleaseDiff {
  return {
    runlevel: p.release.runlevel,
    release: p.release.name,
    namespace: p.release.namespace,
    action: p.action === 'install' ? 'install' : p.action === 'repair' ? 'repair' : 'upgrade',
    reason: p.reason,
    objects,
    ...(p.drift ? { drift: p.drift } : {}),
  };
}
