// The stages every later command starts with: values → render → check, and the plan against the
// cluster. Commands compose these instead of repeating them.
import { isAbsolute, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { simpleGit } from 'simple-git';
import { verifyCoreCharts, warnUnreadChartValues } from '../charts/index.js';
import {
  type CheckReport,
  chartCrds,
  checkRendered,
  exitCodeOf,
  formatText,
  kindDefiners,
  kindsDefinedBy,
  renderInMemory,
  summary,
} from '../check/index.js';
import type { ClusterStore } from '../deploy/cluster.js';
import type { ClusterPlan, PlanInput } from '../deploy/index.js';
import { keptObjects, type ReleaseFootprint } from '../deploy/leftovers.js';
import { releaseKey } from '../deploy/record.js';
import type { DeployedState } from '../deploy/stored.js';
import { replacedSecrets } from '../diff/deployed-secrets.js';
import { type RenderOptions, type RenderResult, renderPlatform, resolvedInput } from '../render/index.js';
import { checkReleaseSizes } from '../render/release-size.js';
import { matchesAny, parseSelectors } from '../render/selector.js';
import { UserError } from '../shared/errors.js';
import type { Capabilities, Helm } from '../shared/helm.js';
import { sharedHelmEngine } from '../shared/helm-engine.js';
import { log } from '../shared/log.js';
import { coreRoot } from '../shared/paths.js';
import { mark } from '../shared/timing.js';
import { agentImage } from '../sync/agent-image.js';
import { type Resolved, resolveValues } from '../values/index.js';
import { readRepoFile } from '../values/repo.js';
import type { ResolvedConfig } from './config.js';
import { liveDrift } from './live-drift.js';
import { renderCapabilities } from './render-capabilities.js';

export { renderCapabilities };

export async function resolveFromConfig(config: ResolvedConfig): Promise<Resolved> {
  const resolved = await resolveValues({
    valuesDir: config.valuesDir,
    cluster: config.cluster,
    ageKeyFile: config.ageKeyFile,
  });
  // The agent runs the pinned core: its image's version is the pin's, whatever tag the values wrote.
  const agent = resolved.values.platform.agent;
  if (agent.enabled && agent.image) {
    const { file } = await readRepoFile(config.valuesDir);
    const pin = file.clusters[resolved.cluster]?.core ?? file.core; // pin.ts's pinOf, without its imports
    agent.image = agentImage(
      agent.image,
      pin,
      config.liveAgentImage,
      resolved.values.platform.registry.mirror,
    );
  }
  return resolved;
}

export async function renderResolved(
  resolved: Resolved,
  selectors: string[] = [],
  reuse?: RenderOptions['reuse'],
  capabilities: Capabilities = renderCapabilities(resolved),
): Promise<RenderResult> {
  log.start(`rendering ${resolved.cluster}`);
  const started = Date.now();
  log.debug(
    () =>
      `render: for Kubernetes ${capabilities.kubeVersion}, ${capabilities.apiVersions.length} API versions`,
  );
  const result = await renderPlatform({
    ...resolvedInput(resolved),
    selectors,
    reuse,
    capabilities,
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
  const { imageCheckContext } = await import('../images/index.js');
  return checkRendered({
    render: renderInMemory(result),
    values: resolved.values,
    definers,
    images: imageCheckContext(result.releases, resolved.origins, resolved.imageLock?.digests),
  });
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
  return { kc, store: kubeClusterStore(kc), helm: sharedHelmEngine({ kubeconfig: config.kubeconfig }) };
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
  /** Compare live objects with the manifests of releases otherwise in sync (default: unless --force). */
  drift?: boolean;
}

export interface AgainstCluster {
  resolved: Resolved;
  rendered: RenderResult;
  /** What a plan is made from besides the cluster (a deploy plans with it under its lock). */
  input: PlanInput & { releases: (RenderResult['releases'][number] & { definesKinds: string[] })[] };
  /** helm list → plan against the state read; diff and status list helm while the values render. */
  plan(): Promise<ClusterPlan>;
}

/** resolve ‖ read the deployed state → render, reusing what is deployed → (check) → plan. */
export async function planAgainstCluster(
  config: ResolvedConfig,
  conn: ClusterConnection,
  opts: AgainstClusterOptions,
): Promise<AgainstCluster> {
  return renderAgainstCluster(await readAgainstCluster(config, conn, opts), conn, opts);
}

/** What a command knows before it renders: the values, what is deployed, what the cluster runs. */
export interface ReadAgainst {
  resolved: Resolved;
  state: DeployedState | undefined;
  capabilities: Capabilities;
}

/** resolve ‖ read the deployed state ‖ read the cluster's API versions. */
export async function readAgainstCluster(
  config: ResolvedConfig,
  conn: ClusterConnection,
  opts: AgainstClusterOptions,
): Promise<ReadAgainst> {
  parseSelectors(opts.selectors ?? []); // a mistake in one is reported before any work
  const { readDeployedState } = await import('../deploy/stored.js');
  let deployed: Promise<DeployedState | undefined> = Promise.resolve(undefined);
  if (opts.state === 'compare') deployed = readDeployedState(conn.store);
  if (opts.state === 'reuse')
    deployed = readDeployedState(conn.store, { attempts: 1 }).catch(() => undefined);
  deployed.catch(() => {}); // awaited below; a values error must not leave it unhandled
  // What the cluster runs, so the render is the one helm upgrade will make there. A deploy that
  // cannot reach it renders for the values' version; its lock then reports the cluster.
  const { discoverCapabilities } = await import('../shared/discovery.js');
  const live =
    opts.state === 'compare'
      ? discoverCapabilities(conn.kc)
      : discoverCapabilities(conn.kc, { attempts: 1 }).catch(() => undefined);
  live.catch(() => {}); // awaited below
  const resolved = await resolveFromConfig(config);
  mark('values resolved');
  const state = await deployed;
  mark('deployed state read');
  const capabilities = renderCapabilities(resolved, await live);
  mark('cluster capabilities read');
  return { resolved, state, capabilities };
}

/** render, reusing what is deployed → (check) → what the plan is made from. */
export async function renderAgainstCluster(
  { resolved, state, capabilities }: ReadAgainst,
  conn: ClusterConnection,
  opts: AgainstClusterOptions,
): Promise<AgainstCluster> {
  const selectors = opts.selectors ?? [];
  const parsed = parseSelectors(selectors);
  const [{ planAgainst }, { detectDrift }] = await Promise.all([
    import('../deploy/index.js'),
    import('../drift/index.js'),
  ]);
  const helm = opts.state === 'compare' ? conn.helm.list() : undefined;
  helm?.catch(() => {}); // awaited by plan(); a render error must not leave it unhandled
  const rendered = await renderResolved(resolved, selectors, state?.reuse, capabilities);
  mark('rendered');
  if (state) maskReplacedSecrets(rendered, state);
  if (opts.check) {
    // The kinds other releases define, so the selected ones are checked against the whole platform.
    const definers = await definersOutside(resolved, selectors, state?.reuse, capabilities);
    await checkOrStop(resolved, rendered, opts.check.strict, definers);
    // helm keeps each release in one Secret of at most 1 MiB: say so before anything is changed.
    checkReleaseSizes(rendered.releases.filter((r) => !r.reused));
    mark('checked');
  }
  const input = {
    runlevels: rendered.runlevels,
    // Releases that define kinds go before those creating objects of them (deploy/plan.ts).
    releases: rendered.releases.map((r) => ({ ...r, definesKinds: kindsDefinedBy(r) })),
    force: opts.force,
    prune: opts.prune,
    selects:
      selectors.length > 0 ? (labels: Record<string, string>) => matchesAny(parsed, labels) : undefined,
    timeoutMs: opts.timeoutMs,
    drift:
      opts.drift === false || opts.force
        ? undefined
        : liveDrift(state, resolved, conn.store, detectDrift, opts.state === 'compare' ? 'fail' : 'warn'),
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
  capabilities: Capabilities = renderCapabilities(resolved),
): Promise<Record<string, unknown>[]> {
  if (selectors.length === 0) return [];
  const chosen = parseSelectors(selectors);
  try {
    const all = await renderPlatform({
      values: resolved.values,
      origins: resolved.origins,
      texts: resolved.texts,
      imageLock: resolved.imageLock?.digests,
      reuse,
      capabilities,
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
export async function renderedNames(config: ResolvedConfig): Promise<{
  cluster?: string;
  releases: { runlevel: string; name: string; namespace: string }[];
  /** What each release leaves once uninstalled is read from these (undefined: values did not render). */
  footprints?: ReleaseFootprint[];
}> {
  try {
    const resolved = await resolveFromConfig(config);
    const { releases } = await renderResolved(resolved);
    return {
      cluster: resolved.cluster,
      releases: releases.map((r) => ({ runlevel: r.runlevel, name: r.name, namespace: r.namespace })),
      footprints: releases.map((r) => ({
        name: r.name,
        namespace: r.namespace,
        chartPath: r.chart.path,
        chartCrds: chartCrds(isAbsolute(r.chart.path) ? r.chart.path : join(coreRoot, r.chart.path)).map(
          (c) => String((c.body.metadata as { name?: unknown } | undefined)?.name ?? ''),
        ),
        ownNamespaces: r.objects.filter((o) => o.kind === 'Namespace').map((o) => o.name),
        kept: keptObjects(r.files),
      })),
    };
  } catch (err) {
    log.warn(
      `the values did not render (${(err as Error).message.split('\n')[0]}); destroying what the record lists`,
    );
    return { releases: [] };
  }
}
