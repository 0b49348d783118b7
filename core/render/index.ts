// The render stage: merged values in, every enabled release rendered out, runlevel by runlevel.
// helmfile plans the releases once (helmfile build); helm renders each release, in parallel.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import type { Capabilities, Helm } from '../shared/helm.js';
import { anyHelmEngine } from '../shared/helm-engine.js';
import { declaredImageFields } from '../shared/images/fields.js';
import { type ImageRewrite, rewriteManifest } from '../shared/images/rewrite.js';
import { log } from '../shared/log.js';
import { coreRoot } from '../shared/paths.js';
import { allInOrder, OrderedLimiter } from '../shared/pool.js';
import { mark } from '../shared/timing.js';
import { parseYaml } from '../shared/yaml/plain.js';
import type { Resolved, ResolvedValues } from '../values/index.js';
import { canonicalJson, sha256 } from './canonical.js';
import { targetCapabilities } from './capabilities.js';
import { checkNotEmpty } from './empty-release.js';
import { type Outcome, oneRenderError, settle } from './failures.js';
import { helmTemplate, mergeValues } from './helm.js';
import { type PlannedRelease, planReleases } from './helmfile.js';
import { releaseInputDigest } from './input-digest.js';
import {
  clusterScopedKinds,
  crdScopes,
  type ObjectRef,
  type RenderedFile,
  splitManifest,
} from './manifests.js';
import type { OriginMap, ValuesTexts } from './provenance.js';
import { helmfileDir, listRunlevels } from './runlevels.js';
import { matchesAny, mayMatchRunlevel, parseSelectors } from './selector.js';
import { withStateValues } from './state-values.js';
import { varyingSources } from './varying.js';

export type { ObjectRef, RenderedFile } from './manifests.js';

import type { RenderedRelease, RenderResult } from './types.js';

export { type RenderIndex, renderIndex, writeRender } from './output.js';
export type { OriginMap, ValueOrigin, ValuesTexts } from './provenance.js';
export type { RenderedRelease, RenderResult } from './types.js';

export interface RenderOptions {
  /** The merged values, handed to helmfile as the state values. */
  values: ResolvedValues;
  /** JSON pointer → where the value was set; lets chart schema errors name the user's file:line. */
  origins?: OriginMap;
  /** The values files' texts (Resolved.texts), for the code frames under those errors. */
  texts?: ValuesTexts;
  /** helmfile-style selectors (k=v,k2!=v2); several are OR-ed. Empty: everything. */
  selectors?: readonly string[];
  concurrency?: number;
  /** Renders each release; default: the pinned helm (it needs no cluster to template). */
  helm?: Helm;
  /** Another helmfile.d (tests); default: the one in the core. */
  helmfileDir?: string;
  /**
   * The target cluster's Kubernetes and API versions (render/capabilities.ts); default: the
   * pinned Kubernetes with its built-in kinds, never helm's own v1.20.0.
   */
  capabilities?: Capabilities;
  /**
   * Manifests already rendered for this exact input (the deploy passes what helm stored for an
   * unchanged release): returned, the release is not rendered again.
   */
  reuse?: (
    release: { runlevel: string; name: string; namespace: string },
    inputDigest: string,
  ) => string | undefined;
  /** images.lock.yaml's digests (Resolved.imageLock): the mirror rewrite pins images with them. */
  imageLock?: Readonly<Record<string, string>>;
  /**
   * Apply the registry-mirror rewrite when platform.registry.mirror is set (default). `runlevel
   * images` renders without it: it lists what the charts name and maps each image itself.
   */
  rewriteImages?: boolean;
}

/** The rewrite of a release's manifest, when the values set a registry mirror. */
export function imageRewriteOf(
  values: Pick<ResolvedValues, 'platform'>,
  chartDir: string,
  imageLock: Readonly<Record<string, string>> = {},
): ImageRewrite | undefined {
  const mirror = values.platform.registry.mirror;
  if (!mirror) return undefined;
  return { mirror, digests: imageLock, fields: declaredImageFields(chartDir) };
}

/** What a render takes from resolved values: the values, where each was set, and the image lock. */
export function resolvedInput(
  resolved: Pick<Resolved, 'values' | 'origins' | 'texts' | 'imageLock'>,
): Pick<RenderOptions, 'values' | 'origins' | 'texts' | 'imageLock'> {
  return {
    values: resolved.values,
    origins: resolved.origins,
    texts: resolved.texts,
    imageLock: resolved.imageLock?.digests,
  };
}

export function defaultConcurrency(): number {
  // helm template is CPU-bound after a short start-up; one extra process per core hides the start-up.
  return Math.max(2, availableParallelism() * 2);
}

export async function renderPlatform(opts: RenderOptions): Promise<RenderResult> {
  const dir = opts.helmfileDir ?? helmfileDir();
  const selectors = parseSelectors(opts.selectors ?? []);
  const runlevels = listRunlevels(dir);
  // A selector that names runlevels spares planning the others at all.
  const wanted = runlevels.filter((r) => mayMatchRunlevel(selectors, r.name));
  const limiter = new OrderedLimiter(opts.concurrency ?? defaultConcurrency());
  const ctx = { origins: opts.origins, texts: opts.texts };
  const helm = opts.helm ?? anyHelmEngine();

  const capabilities = opts.capabilities ?? targetCapabilities({});

  // The runlevel files are planned together (helmfile.ts), then every release renders in the engine.
  // No step throws: every failure is collected, so one run reports every broken release.
  const outcomes = await withStateValues(opts.values, async (stateFile) => {
    const planningAll = settle([-1, -1], limiter, () => planReleases(wanted, stateFile));
    const perRunlevel = wanted.map((runlevel, r) => ({
      order: [r],
      promise: planningAll.then((planning) => {
        if (!planning.ok) return r === 0 ? [planning] : [];
        if (r === 0) mark('planned');
        const planned = planning.value.filter((rel) => rel.runlevel === runlevel.name);
        const chosen = planned.filter((rel) => rel.installed && matchesAny(selectors, rel.labels));
        log.debug(() => `render: ${runlevel.name}: ${chosen.length} of ${planned.length} releases selected`);
        const tasks = chosen.map((rel, i) => ({
          order: [r, i],
          promise: settle([r, i], limiter, async () => {
            const values = mergeValues(rel.values);
            const imageRewrite = imageRewriteOf(opts.values, rel.chartDir, opts.imageLock);
            const inputDigest = releaseInputDigest(rel, values, capabilities.kubeVersion, imageRewrite);
            const kept = opts.reuse?.(rel, inputDigest);
            let manifest = kept ?? (await helmTemplate(helm, rel, values, ctx, capabilities));
            // What helm's post-renderer does on upgrade (hooks left alone); a reused manifest is
            // what helm stored, rewritten already.
            if (!kept && imageRewrite && opts.rewriteImages !== false) {
              manifest = rewriteManifest(manifest, imageRewrite);
            }
            return { rel, values, inputDigest, manifest, reused: kept !== undefined, imageRewrite };
          }),
        }));
        return allInOrder(tasks);
      }),
    }));
    return (await allInOrder(perRunlevel)).flat();
  });
  const rendered = outcomes.flatMap((o) => (o.ok ? [o.value] : []));
  const failed = outcomes.filter((o): o is Extract<Outcome<never>, { ok: false }> => !o.ok);
  if (failed.length > 0) throw oneRenderError(failed.map((f) => f.error));

  // Object namespaces need to know which kinds are cluster-wide, including our own CRDs' kinds.
  const scopes = crdScopes(rendered.map((r) => r.manifest));
  const namespaceOf =
    (rel: PlannedRelease) => (apiVersion: string, kind: string, declared: string | undefined) => {
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      const cluster =
        scopes.get(`${group}/${kind}`) ??
        (clusterScopedKinds.has(kind) || group === 'constraints.gatekeeper.sh');
      return cluster ? undefined : (declared ?? rel.namespace);
    };

  const releases = rendered.map(
    ({ rel, values, inputDigest, manifest, reused, imageRewrite }): RenderedRelease => {
      const { files, objects } = splitManifest(manifest, `${rel.runlevel}/${rel.name}`, namespaceOf(rel));
      markVarying(rel.chartDir, files, objects, `${rel.runlevel}/${rel.name}/`);
      if (!reused) checkNotEmpty(rel, objects.length);
      return {
        runlevel: rel.runlevel,
        name: rel.name,
        namespace: rel.namespace,
        chart: chartInfo(rel.chartDir),
        labels: rel.labels,
        needs: rel.needs,
        values,
        valuesDigest: sha256(canonicalJson(values)),
        inputDigest,
        manifestDigest: sha256(manifest),
        manifest,
        reused,
        files,
        objects,
        ...(imageRewrite ? { imageRewrite } : {}),
      };
    },
  );
  return { runlevels, releases };
}

/** Objects rendered from templates that call lookup or randomness say so (`varies`). */
function markVarying(chartDir: string, files: RenderedFile[], objects: ObjectRef[], prefix: string): void {
  const varying = varyingSources(chartDir);
  if (varying.size === 0) return;
  const sourceOf = new Map(files.map((f) => [`${prefix}${f.path}`, f.source]));
  for (const o of objects) {
    const reasons = varying.get(sourceOf.get(o.file) ?? '');
    if (reasons) o.varies = reasons;
  }
}

const chartCache = new Map<string, { name: string; version: string; path: string }>();

function chartInfo(chartDir: string): { name: string; version: string; path: string } {
  let info = chartCache.get(chartDir);
  if (!info) {
    const chart = parseYaml(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as {
      name?: string;
      version?: string;
    };
    info = {
      name: String(chart.name ?? ''),
      version: String(chart.version ?? ''),
      path: relative(coreRoot, chartDir),
    };
    chartCache.set(chartDir, info);
  }
  return info;
}
