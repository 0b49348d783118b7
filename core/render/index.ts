// The render stage: merged values in, every enabled release rendered out, runlevel by runlevel.
// helmfile plans the releases once (helmfile build); helm renders each release, in parallel.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { type Helm, pinnedHelm } from '../shared/helm.js';
import { log } from '../shared/log.js';
import { coreRoot } from '../shared/paths.js';
import { allInOrder, OrderedLimiter } from '../shared/pool.js';
import { parseYaml } from '../shared/yaml/plain.js';
import type { ResolvedValues } from '../values/index.js';
import { canonicalJson, sha256 } from './canonical.js';
import { checkNotEmpty } from './empty-release.js';
import { helmTemplate, mergeValues } from './helm.js';
import { type PlannedRelease, planRunlevel } from './helmfile.js';
import { releaseInputDigest } from './input-digest.js';
import { clusterScopedKinds, crdScopes, splitManifest } from './manifests.js';
import type { OriginMap, ValuesTexts } from './provenance.js';
import { helmfileDir, listRunlevels } from './runlevels.js';
import { matchesAny, mayMatchRunlevel, parseSelectors } from './selector.js';
import { withStateValues } from './state-values.js';

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
   * Manifests already rendered for this exact input (the deploy passes what helm stored for an
   * unchanged release): returned, the release is not rendered again.
   */
  reuse?: (
    release: { runlevel: string; name: string; namespace: string },
    inputDigest: string,
  ) => string | undefined;
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
  const helm = opts.helm ?? pinnedHelm();

  // Each runlevel file is planned by its own helmfile process and its releases start rendering as
  // soon as it is planned, so planning the big runlevels overlaps with rendering the small ones.
  const rendered = await withStateValues(opts.values, async (stateFile) => {
    const perRunlevel = wanted.map((runlevel, r) => ({
      order: [r],
      promise: limiter
        .run([r, -1], () => planRunlevel(runlevel, stateFile))
        .then((planned) => {
          const chosen = planned.filter((rel) => rel.installed && matchesAny(selectors, rel.labels));
          log.debug(
            () => `render: ${runlevel.name}: ${chosen.length} of ${planned.length} releases selected`,
          );
          const tasks = chosen.map((rel, i) => ({
            order: [r, i],
            promise: limiter.run([r, i], async () => {
              const values = mergeValues(rel.values);
              const inputDigest = releaseInputDigest(rel, values);
              const kept = opts.reuse?.(rel, inputDigest);
              const manifest = kept ?? (await helmTemplate(helm, rel, values, ctx));
              return { rel, values, inputDigest, manifest, reused: kept !== undefined };
            }),
          }));
          return allInOrder(tasks);
        }),
    }));
    return (await allInOrder(perRunlevel)).flat();
  });

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

  const releases = rendered.map(({ rel, values, inputDigest, manifest, reused }): RenderedRelease => {
    const { files, objects } = splitManifest(manifest, `${rel.runlevel}/${rel.name}`, namespaceOf(rel));
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
    };
  });
  return { runlevels, releases };
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
