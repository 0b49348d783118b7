// The no-op deploy without its render: when every input of this deploy (values, core, cluster API
// versions, flags: one digest) equals the last deploy's, that deploy succeeded, helm's releases are
// at the revisions it recorded and their live objects hold their manifests, then planning,
// rendering and checking could only find again that nothing changes. Keyed on every input and
// decided under the lock from what the cluster holds then, so it is never stale; any difference
// sends the deploy down the full path.
import type { HelmRelease } from '../shared/helm.js';
import type { Run } from './locked-run.js';
import type { DeployPlan, PlannedRelease, RunlevelPlan } from './plan.js';
import type { Progress } from './progress.js';
import type { ClusterRecord } from './record.js';

/** Why the last deploy cannot stand for this one (the full path runs); undefined: it can. */
export function changedSince(
  record: ClusterRecord,
  inputs: string,
  helm?: HelmRelease[],
): string | undefined {
  const last = record.deploys[0];
  if (!last) return 'no deploy recorded';
  if (last.command !== 'deploy' || last.outcome !== 'succeeded')
    return `the last run (${last.id}) was a ${last.command} that ${last.outcome === 'succeeded' ? 'succeeded' : `ended ${last.outcome}`}`;
  if (last.inputs !== inputs) return 'the inputs differ from the last deploy’s';
  if (!helm) return undefined;
  const byKey = new Map(helm.map((h) => [`${h.namespace}/${h.name}`, h]));
  for (const [key, r] of Object.entries(record.releases)) {
    const h = byKey.get(key);
    if (!h) return `helm has no release ${key}`;
    if (h.revision !== r.revision || h.status !== 'deployed')
      return `helm's ${key} is at revision ${h.revision} (${h.status}); the last deploy left revision ${r.revision}`;
  }
  return undefined;
}

/** The recorded releases, each unchanged at its revision, by runlevel in order: what the run reports. */
export function unchangedPlan(record: ClusterRecord): DeployPlan {
  const byRunlevel = new Map<string, PlannedRelease[]>();
  for (const r of Object.values(record.releases)) {
    const planned: PlannedRelease = {
      release: {
        runlevel: r.runlevel,
        name: r.name,
        namespace: r.namespace,
        chart: { name: r.chart, version: '', path: '' },
        labels: r.labels,
        inputDigest: '',
        objects: [],
      },
      digest: r.digest,
      action: 'unchanged',
      state: 'InSync',
      reason: 'every input as the last deploy’s',
      previousRevision: r.revision,
    };
    byRunlevel.set(r.runlevel, [...(byRunlevel.get(r.runlevel) ?? []), planned]);
  }
  const runlevels: RunlevelPlan[] = [...byRunlevel.keys()].sort().map((name) => ({
    name,
    timeoutMs: 0,
    before: [],
    after: [],
    waves: [byRunlevel.get(name) ?? []],
  }));
  return { runlevels, prune: [], changes: 0 };
}

/** The run of a deploy whose every input is the last one's: each release unchanged, nothing written. */
export function reportUnchanged(progress: Progress, plan: DeployPlan, run: Run): void {
  for (const rl of plan.runlevels) {
    const releases = rl.waves.flat();
    progress.runlevelStart(rl.name, 0, releases.length);
    for (const p of releases) {
      const { runlevel, name, namespace } = p.release;
      run.outcomes.push({
        runlevel,
        name,
        namespace,
        action: 'unchanged',
        revision: p.previousRevision,
        digest: p.digest,
        seconds: 0,
      });
      progress.release(p, 'unchanged', 0);
    }
    progress.runlevelDone(rl.name, 0);
  }
}
