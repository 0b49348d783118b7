// The stages every later command starts with: values → render → check, and the plan against the
// cluster. Commands compose these instead of repeating them.
import type { KubeConfig } from '@kubernetes/client-node';
import { simpleGit } from 'simple-git';
import { verifyCoreCharts, warnUnreadChartValues } from '../charts/index.js';
import {
  type CheckReport,
  checkRendered,
  exitCodeOf,
  formatText,
  kindDefiners,
  renderInMemory,
  summary,
} from '../check/index.js';
import type { ClusterStore } from '../deploy/cluster.js';
import type { ClusterPlan, PlanInput } from '../deploy/index.js';
import { releaseKey } from '../deploy/record.js';
import type { DeployedState } from '../deploy/stored.js';
import { replacedSecrets } from '../diff/deployed-secrets.js';
import { type RenderOptions, type RenderResult, renderPlatform } from '../render/index.js';
import { matchesAny, parseSelectors } from '../render/selector.js';
import { UserError } from '../shared/errors.js';
import { type Helm, pinnedHelm } from '../shared/helm.js';
import { log } from '../shared/log.js';
import { type Resolved, resolveValues } from '../values/index.js';
import type { ResolvedConfig } from './config.js';

export async function resolveFromConfig(config: ResolvedConfig): Promise<Resolved> {
  return resolveValues({
    valuesDir: config.valuesDir,
    cluster: config.cluster,
    ageKeyFile: config.ageKeyFile,
  });
}

export async function renderResolved(
  resolved: Resolved,
  selectors: string[] = [],
  reuse?: RenderOptions['reuse'],
): Promise<RenderResult> {
  log.start(`rendering ${resolved.cluster}`);
  const started = Date.now();
  const result = await renderPlatform({
    values: resolved.values,
    origins: resolved.origins,
    texts: resolved.texts,
    selectors,
    reuse,
  });
  if (selectors.length === 0) warnUnreadChartValues(resolved.values, result.releases);
  const reused = result.releases.filter((r) => r.reused).length;
  const fresh = result.releases.length - reused;
  log.done(
    `rendered ${fresh} release${fresh === 1 ? '' : 's'}${reused > 0 ? ` (${reused} unchanged, taken from the cluster)` : ''} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
  return result;
}

/** Check a render where it is, in memory (it holds Secrets): deploy and check alike. */
export async function checkRender(
  resolved: Resolved,
  result: RenderResult,
  definers: readonly Record<string, unknown>[] = [],
): Promise<CheckReport> {
  verifyCoreCharts(); // a vendored chart edited since it was vendored stops here (exit 4)
  log.start(`checking ${resolved.cluster}`);
  return checkRendered({ render: renderInMemory(result), values: resolved.values, definers });
}

/** Check a render; violations stop whatever comes next with exit 4 and the full report. */
export async function checkOrStop(
  resolved: Resolved,
  result: RenderResult,
  strict = false,
  definers: readonly Record<string, unknown>[] = [],
): Promise<CheckReport> {
  const report = await checkRender(resolved, result, definers);
  const code = exitCodeOf(report, strict);
  if (code !== 0) {
    log.writeData(formatText(report, (c, s) => log.paint(c, s)));
    throw new UserError(`check failed: ${summary(report)}`, {
      exitCode: code,
      hint: 'fix the values (or grant a policy exception in values) and run again; nothing was deployed',
    });
  }
  log.done(summary(report));
  return report;
}

/** The cluster a command talks to: one kubeconfig, its API clients made once, one helm. */
export interface ClusterConnection {
  kc: KubeConfig;
  store: ClusterStore;
  helm: Helm;
}

export async function connectCluster(config: ResolvedConfig): Promise<ClusterConnection> {
  // Imported here: the Kubernetes client costs most of a second to load, which `check` never needs.
  const [{ loadKubeConfig }, { kubeClusterStore }] = await Promise.all([
    import('../shared/kube.js'),
    import('../deploy/cluster.js'),
  ]);
  const kc = loadKubeConfig(config.kubeconfig);
  return { kc, store: kubeClusterStore(kc), helm: pinnedHelm({ kubeconfig: config.kubeconfig }) };
}

export interface AgainstClusterOptions {
  selectors?: string[];
  /** Check the render as deploy does: violations stop here (exit 4). */
  check?: { strict: boolean };
  /**
   * How the deployed state is used. `compare` (diff, status): it is what they compare with, so it
   * must be read. `reuse` (deploy): it only spares rendering unchanged releases; unreachable, all
   * is rendered and the lock reports the cluster. `none` (--force): every release is rendered.
   */
  state: 'compare' | 'reuse' | 'none';
  force?: boolean;
  prune?: boolean;
  timeoutMs?: number;
}

export interface AgainstCluster {
  resolved: Resolved;
  rendered: RenderResult;
  /** What a plan is made from besides the cluster (a deploy plans with it under its lock). */
  input: PlanInput & { releases: RenderResult['releases'] };
  /** helm list → plan against the state read; diff and status list helm while the values render. */
  plan(): Promise<ClusterPlan>;
}

/** resolve ‖ read the deployed state → render, reusing what is deployed → (check) → plan. */
export async function planAgainstCluster(
  config: ResolvedConfig,
  conn: ClusterConnection,
  opts: AgainstClusterOptions,
): Promise<AgainstCluster> {
  const selectors = opts.selectors ?? [];
  const parsed = parseSelectors(selectors); // a mistake in one is reported before any work
  const [{ readDeployedState }, { planAgainst }] = await Promise.all([
    import('../deploy/stored.js'),
    import('../deploy/index.js'),
  ]);
  let deployed: Promise<DeployedState | undefined> = Promise.resolve(undefined);
  if (opts.state === 'compare') deployed = readDeployedState(conn.store);
  if (opts.state === 'reuse')
    deployed = readDeployedState(conn.store, { attempts: 1 }).catch(() => undefined);
  deployed.catch(() => {}); // awaited below; a values error must not leave it unhandled
  const resolved = await resolveFromConfig(config);
  const state = await deployed;
  const helm = opts.state === 'compare' ? conn.helm.list() : undefined;
  helm?.catch(() => {}); // awaited by plan(); a render error must not leave it unhandled
  const rendered = await renderResolved(resolved, selectors, state?.reuse);
  if (state) maskReplacedSecrets(rendered, state);
  if (opts.check) {
    // The kinds other releases define, so the selected ones are checked against the whole platform.
    const definers = await definersOutside(resolved, selectors, state?.reuse);
    await checkOrStop(resolved, rendered, opts.check.strict, definers);
  }
  const input = {
    runlevels: rendered.runlevels,
    releases: rendered.releases,
    force: opts.force,
    prune: opts.prune,
    selects:
      selectors.length > 0 ? (labels: Record<string, string>) => matchesAny(parsed, labels) : undefined,
    timeoutMs: opts.timeoutMs,
  };
  return {
    resolved,
    rendered,
    input,
    plan: () => planAgainst(conn, input, { record: state?.record, helm }),
  };
}

/**
 * The secrets a rotation replaced are still on the deployed side (helm's stored values, the
 * manifests, the live objects): what helm stored where today's values hold a secret is masked too.
 */
function maskReplacedSecrets(rendered: RenderResult, state: DeployedState): void {
  for (const rel of rendered.releases) {
    const deployed = state.stored.get(releaseKey(rel))?.values;
    for (const old of replacedSecrets(rel.values, deployed, (text) => log.reveals(text))) log.redact(old);
  }
}

/**
 * A --selector render holds only the chosen releases, whose custom resources may be of kinds that
 * other releases define (from templates or crds/): render the rest (unchanged releases come from
 * `reuse`) and hand check their CRDs and ConstraintTemplates. A release that does not render
 * leaves its kinds unknown, which check then reports.
 */
export async function definersOutside(
  resolved: Resolved,
  selectors: readonly string[],
  reuse?: RenderOptions['reuse'],
): Promise<Record<string, unknown>[]> {
  if (selectors.length === 0) return [];
  const chosen = parseSelectors(selectors);
  try {
    const all = await renderPlatform({
      values: resolved.values,
      origins: resolved.origins,
      texts: resolved.texts,
      reuse,
    });
    return kindDefiners(all.releases.filter((r) => !matchesAny(chosen, r.labels)));
  } catch (err) {
    log.warn(
      `the releases outside --selector did not render, so their CRDs are unknown to check: ${String((err as Error).message)}`,
    );
    return [];
  }
}

/** The values repo's commit, with "-dirty" when the working tree has changes; "none" outside git. */
export async function valuesCommit(valuesDir: string): Promise<string> {
  try {
    const git = simpleGit(valuesDir);
    if (!(await git.checkIsRepo())) return 'none';
    const head = (await git.revparse(['--short=12', 'HEAD'])).trim();
    const status = await git.status();
    return status.isClean() ? head : `${head}-dirty`;
  } catch {
    return 'none';
  }
}

/** The releases the values on disk render; a destroy still works when the values do not. */
export async function renderedNames(
  config: ResolvedConfig,
): Promise<{ cluster?: string; releases: { runlevel: string; name: string; namespace: string }[] }> {
  try {
    const resolved = await resolveFromConfig(config);
    const { releases } = await renderResolved(resolved);
    return {
      cluster: resolved.cluster,
      releases: releases.map((r) => ({ runlevel: r.runlevel, name: r.name, namespace: r.namespace })),
    };
  } catch (err) {
    log.warn(
      `the values did not render (${(err as Error).message.split('\n')[0]}); destroying what the record lists`,
    );
    return { releases: [] };
  }
}
