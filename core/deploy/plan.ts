// The deploy plan, a pure function of what is wanted (the render), what is deployed (the
// record and helm's own list) and the flags. Runlevels in order; inside each, releases after
// those they need (helmfile `needs`, and the definers of the kinds they create), and in each
// level the releases that bring CRDs or Namespaces first; removed releases are pruned afterwards
// in reverse runlevel order.
import { createHash } from 'node:crypto';
import { describeDrift } from '../drift/describe.js';
import type { ReleaseDrift } from '../drift/types.js';
import type { HelmRelease } from '../shared/helm.js';
import type { ImageRewrite } from '../shared/images/rewrite.js';
import type { DeployedRelease } from './record.js';

export type { HelmRelease } from '../shared/helm.js';

export interface DesiredRelease {
  runlevel: string;
  name: string;
  namespace: string;
  chart: { name: string; version: string; path: string };
  labels: Record<string, string>;
  /** Digest of what the manifests are made from (chart files, values, name, namespace, helm). */
  inputDigest: string;
  objects: { kind: string; apiVersion: string; name: string; namespace?: string; hook?: string }[];
  /** helmfile `needs` ([namespace/]name): releases of the same runlevel that must be ready first. */
  needs?: string[];
  /**
   * The kinds (`group/Kind`) this release defines: CRDs from its templates and from the crds/ of
   * its chart and sub-charts, and the constraint kinds of its ConstraintTemplates. A release of the
   * same runlevel that creates objects of such a kind goes after it, without a `needs:` by hand.
   */
  definesKinds?: string[];
  /** The registry-mirror rewrite it was rendered with: helm's post-renderer applies the same. */
  imageRewrite?: ImageRewrite;
}

/** `repair`: the same chart and values again, to put back live objects changed or deleted by hand. */
export type PlannedAction = 'install' | 'upgrade' | 'repair' | 'unchanged';

/** Where a release stands against the values on disk (a closed set: status prints it as is). */
export const ReleaseState = {
  /** Deployed by runlevel from these very inputs. */
  InSync: 'InSync',
  /** The values or the chart changed since, or runlevel never deployed this release. */
  OutOfSync: 'OutOfSync',
  /** Someone changed the release with helm, or its live objects, since runlevel deployed it. */
  Drifted: 'Drifted',
  /** helm has no such release. */
  Missing: 'Missing',
  /** helm's last operation on it failed or never finished. */
  Failed: 'Failed',
} as const;
export type ReleaseState = (typeof ReleaseState)[keyof typeof ReleaseState];

export interface PlannedRelease {
  release: DesiredRelease;
  digest: string;
  action: PlannedAction;
  /** Against the cluster, whatever the flags (--force changes the action, not the state). */
  state: ReleaseState;
  reason: string;
  /** Revision to roll back to if this release fails (undefined: uninstall a failed first install). */
  previousRevision: number | undefined;
  /**
   * A release helm left mid-operation (a killed deploy, a lost API server) blocks every later
   * upgrade: first roll it back to the last good revision, or uninstall a first install.
   */
  recover?: 'rollback' | 'uninstall';
  /** What its live objects no longer hold of its manifests (read only for releases otherwise in sync). */
  drift?: ReleaseDrift;
}

export interface RunlevelSettings {
  name: string;
  settings: Record<string, string>;
}

export interface RunlevelPlan {
  name: string;
  timeoutMs: number;
  before: string[]; // tasks
  after: string[];
  /**
   * Batches applied one after another, each followed by its readiness gate: releases ordered by
   * their `needs`, and inside each level the ones bringing CRDs or Namespaces first.
   */
  waves: PlannedRelease[][];
}

export interface PrunePlan {
  runlevel: string;
  name: string;
  namespace: string;
}

export interface DeployPlan {
  runlevels: RunlevelPlan[];
  prune: PrunePlan[];
  changes: number; // releases to install, upgrade or prune
}

export const defaultRunlevelTimeoutMs = 300_000;

/**
 * What "the same release" means: the same chart (its files, so its version and templates) with the
 * same values. It is known before rendering, so an unchanged release need not be rendered again.
 */
export function releaseDigest(r: Pick<DesiredRelease, 'inputDigest'>): string {
  return createHash('sha256').update(r.inputDigest).digest('hex').slice(0, 32);
}

const key = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;

export function planDeploy(input: {
  runlevels: RunlevelSettings[];
  desired: DesiredRelease[];
  deployed: Record<string, DeployedRelease>;
  helm: HelmRelease[];
  force?: boolean;
  prune?: boolean;
  timeoutCapMs?: number;
  /** The deploy was limited by --selector: only deployed releases these labels match may be pruned. */
  selects?: (labels: Record<string, string>) => boolean;
  /** Live drift by release key, found for releases whose inputs match what is deployed. */
  drift?: ReadonlyMap<string, ReleaseDrift>;
}): DeployPlan {
  const helmByKey = new Map(input.helm.map((h) => [key(h), h]));
  const runlevels = input.runlevels.map((rl): RunlevelPlan => {
    const planned = input.desired
      .filter((r) => r.runlevel === rl.name)
      .map((release) =>
        decide(
          release,
          input.deployed[key(release)],
          helmByKey.get(key(release)),
          input.force,
          input.drift?.get(key(release)),
        ),
      );
    const waves = needLevels(planned).flatMap((level) => [
      level.filter((p) => bringsDefinitions(p.release)),
      level.filter((p) => !bringsDefinitions(p.release)),
    ]);
    return {
      name: rl.name,
      timeoutMs: Math.min(
        parseDuration(rl.settings.timeout) ?? defaultRunlevelTimeoutMs,
        input.timeoutCapMs ?? Infinity,
      ),
      before: list(rl.settings.before),
      after: [...list(rl.settings.after), ...list(rl.settings.tasks)],
      waves: waves.filter((w) => w.length > 0),
    };
  });

  const wanted = new Set(input.desired.map(key));
  const order = new Map(input.runlevels.map((r, i) => [r.name, i]));
  const prune =
    input.prune === false
      ? []
      : Object.values(input.deployed)
          .filter((d) => !wanted.has(key(d)) && (input.selects?.(d.labels ?? {}) ?? true))
          .sort(
            (a, b) =>
              (order.get(b.runlevel) ?? -1) - (order.get(a.runlevel) ?? -1) || a.name.localeCompare(b.name),
          )
          .map((d) => ({ runlevel: d.runlevel, name: d.name, namespace: d.namespace }));

  const changes =
    runlevels.flatMap((r) => r.waves.flat()).filter((p) => p.action !== 'unchanged').length + prune.length;
  return { runlevels, prune, changes };
}

function decide(
  release: DesiredRelease,
  deployed: DeployedRelease | undefined,
  helm: HelmRelease | undefined,
  force: boolean | undefined,
  drift?: ReleaseDrift,
): PlannedRelease {
  const digest = releaseDigest(release);
  const healthy = helm?.status === 'deployed';
  const previousRevision = healthy ? helm?.revision : lastGood(deployed, helm);
  const base = { release, digest, previousRevision };
  const { Drifted, Failed, InSync, Missing, OutOfSync } = ReleaseState;
  if (!helm) return { ...base, action: 'install', state: Missing, reason: 'not installed' };
  const state: ReleaseState = !healthy
    ? Failed
    : !deployed
      ? OutOfSync
      : deployed.revision !== helm.revision
        ? Drifted
        : deployed.digest !== digest
          ? OutOfSync
          : drift
            ? Drifted
            : InSync;
  if (force) return { ...base, action: 'upgrade', state, reason: '--force' };
  if (helm.status.startsWith('pending')) {
    const recover = previousRevision ? 'rollback' : 'uninstall';
    return {
      ...base,
      action: recover === 'rollback' ? 'upgrade' : 'install',
      state,
      reason: `helm status ${helm.status}`,
      recover,
    };
  }
  if (!healthy) return { ...base, action: 'upgrade', state, reason: `helm status ${helm.status}` };
  if (!deployed) return { ...base, action: 'upgrade', state, reason: 'not deployed by runlevel before' };
  if (deployed.revision !== helm.revision) {
    return {
      ...base,
      action: 'upgrade',
      state,
      reason: `drift: revision ${helm.revision} is not runlevel's ${deployed.revision}`,
    };
  }
  if (deployed.digest !== digest) return { ...base, action: 'upgrade', state, reason: 'changed' };
  if (drift)
    return { ...base, action: 'repair', state, reason: `live drift: ${describeDrift(drift)}`, drift };
  return { ...base, action: 'unchanged', state, reason: 'digest matches' };
}

function lastGood(deployed: DeployedRelease | undefined, helm: HelmRelease | undefined): number | undefined {
  if (!helm) return undefined;
  return deployed && deployed.revision < helm.revision ? deployed.revision : undefined;
}

/**
 * Dependency levels inside one runlevel: level 0 needs nothing here, level n needs something at
 * level n-1. A release needs what its helmfile `needs` name and every release of the runlevel that
 * defines a kind it creates objects of. Needs on other runlevels are met by runlevel order; a
 * cycle falls back to one level.
 */
function needLevels(planned: PlannedRelease[]): PlannedRelease[][] {
  const byName = new Map<string, PlannedRelease>();
  const definers = new Map<string, PlannedRelease[]>();
  for (const p of planned) {
    byName.set(p.release.name, p);
    byName.set(`${p.release.namespace}/${p.release.name}`, p);
    for (const kind of p.release.definesKinds ?? []) definers.set(kind, [...(definers.get(kind) ?? []), p]);
  }
  const dependencies = (p: PlannedRelease): PlannedRelease[] => {
    const named = (p.release.needs ?? []).map((n) => byName.get(n));
    const defining = p.release.objects.flatMap((o) => definers.get(groupKind(o)) ?? []);
    return [...new Set([...named, ...defining])].filter((d): d is PlannedRelease => !!d && d !== p);
  };
  const level = new Map<PlannedRelease, number>();
  const visiting = new Set<PlannedRelease>();
  const depth = (p: PlannedRelease): number => {
    const known = level.get(p);
    if (known !== undefined) return known;
    if (visiting.has(p)) return 0; // a cycle: helmfile itself refuses these; do not loop
    visiting.add(p);
    const deps = dependencies(p);
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depth));
    visiting.delete(p);
    level.set(p, d);
    return d;
  };
  const levels: PlannedRelease[][] = [];
  for (const p of planned) {
    const d = depth(p);
    levels[d] = [...(levels[d] ?? []), p];
  }
  return levels.filter(Boolean);
}

/** `group/Kind` of an object, as CRDs name what they define (the core group is empty). */
export function groupKind(o: { apiVersion: string; kind: string }): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind}`;
}

function bringsDefinitions(r: DesiredRelease): boolean {
  return (
    (r.definesKinds?.length ?? 0) > 0 ||
    r.objects.some((o) => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace')
  );
}

/** "a,b(x,y),c" → ["a", "b(x,y)", "c"]: commas inside a task's arguments do not split. */
function list(value: string | undefined): string[] {
  return value?.match(/[^,(]+(\([^)]*\))?/g)?.filter((t) => t.trim() !== '') ?? [];
}

/** "90s", "5m", "1h30m", "300" (seconds) → milliseconds; undefined when absent or malformed. */
export function parseDuration(text: string | undefined): number | undefined {
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}
