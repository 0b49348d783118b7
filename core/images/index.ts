// The images stage: a cluster's values rendered offline, every image it runs listed with its uses
// and origins, source → mirror target. `runlevel images` prints it; `runlevel bundle create`
// carries exactly these images.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { platformChartCrds } from '../check/platform-crds.js';
import { targetCapabilities } from '../render/capabilities.js';
import { renderPlatform } from '../render/index.js';
import type { OriginMap } from '../render/provenance.js';
import type { RenderedRelease } from '../render/types.js';
import { declaredImageFields } from '../shared/images/fields.js';
import type { ImageField } from '../shared/images/sites.js';
import { coreRoot } from '../shared/paths.js';
import { lineOfPointer } from '../shared/yaml/full.js';
import { parseYaml } from '../shared/yaml/plain.js';
import { resolveValues } from '../values/index.js';
import { collectImages, summarise } from './collect.js';
import { pinnedCoreImage } from './core-image.js';
import { templateOrigin } from './origins.js';
import { imageOrigin, imagePointers, type ReleaseValues } from './provenance.js';
import type { PlatformImage } from './types.js';

export { formatImageLock, imageLockHeader } from '../shared/images/lock.js';
export { mirrorImage, mirrorRef } from '../shared/images/mirror.js';
export { formatImageRef, type ImageRef, parseImageRef, repositoryOf } from '../shared/images/reference.js';
export { type ImageRewrite, mirroredRef, rewriteManifest } from '../shared/images/rewrite.js';
export { type CollectContext, collectImages } from './collect.js';
export { coreImageRepository, pinnedCoreImage } from './core-image.js';
export type { ImageUse, PlatformImage } from './types.js';

export interface ListImagesOptions {
  valuesDir: string;
  cluster: string;
  ageKeyFile?: string;
  /** Releases rendered at once (default: the render's). */
  concurrency?: number;
  /** The core image's repository (default RUNLEVEL_IMAGE_REPOSITORY or runlevel). */
  coreRepository?: string;
}

/** Every image the cluster's platform runs, with the core image; sorted by source. */
export async function listPlatformImages(opts: ListImagesOptions): Promise<PlatformImage[]> {
  const resolved = await resolveValues({
    valuesDir: opts.valuesDir,
    cluster: opts.cluster,
    ageKeyFile: opts.ageKeyFile,
  });
  const render = await renderPlatform({
    values: resolved.values,
    origins: resolved.origins,
    texts: resolved.texts,
    imageLock: resolved.imageLock?.digests,
    capabilities: targetCapabilities({
      settings: resolved.values.cluster,
      platformCrds: platformChartCrds(),
    }),
    // The charts' own names: each is mapped to the mirror here, with its source kept.
    rewriteImages: false,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
  });
  return collectImages(render.releases, {
    mirror: resolved.values.platform.registry.mirror,
    digests: resolved.imageLock?.digests ?? {},
    origins: resolved.origins,
    fieldsOf: (rel) => declaredImageFields(chartDirOf(rel)),
    chartDefault: chartDefaultLine,
    core: await pinnedCoreImage(opts.valuesDir, resolved.cluster, opts.coreRepository),
  });
}

function chartDirOf(rel: RenderedRelease): string {
  return isAbsolute(rel.chart.path) ? rel.chart.path : join(coreRoot, rel.chart.path);
}

const chartValues = new Map<string, { text: string; value: unknown } | undefined>();

/** charts/<chart>/values.yaml:<line> where the chart's own defaults spell the image. */
function chartDefaultLine(rel: ReleaseValues, ref: string): string | undefined {
  const path = (rel as Partial<RenderedRelease>).chart?.path;
  if (!path) return undefined;
  const file = join(isAbsolute(path) ? path : join(coreRoot, path), 'values.yaml');
  if (!chartValues.has(file)) {
    try {
      const text = readFileSync(file, 'utf8');
      chartValues.set(file, { text, value: parseYaml(text) });
    } catch {
      chartValues.set(file, undefined);
    }
  }
  const chart = chartValues.get(file);
  const [chartPointer] = chart && isMap(chart.value) ? imagePointers(chart.value, ref) : [];
  if (!chart || chartPointer === undefined) return undefined;
  const line = lineOfPointer(chart.text, chartPointer);
  return `${isAbsolute(path) ? file : join(path, 'values.yaml')}:${line}`;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What check needs to explain an image the rewrite cannot reach: the release's declared fields
 * and the values line (or chart default) of an image, by `<runlevel>/<release>`.
 */
export function imageCheckContext(
  releases: readonly RenderedRelease[],
  origins: OriginMap | undefined,
  digests: Readonly<Record<string, string>> = {},
): {
  digests: Readonly<Record<string, string>>;
  fieldsOf: (release: string) => readonly ImageField[];
  originOf: (
    release: string,
    ref: string,
    at?: { file: string; keys: string[]; item?: string },
  ) => string | undefined;
} {
  const byKey = new Map(releases.map((r) => [`${r.runlevel}/${r.name}`, r]));
  return {
    digests,
    fieldsOf: (key) => {
      const rel = byKey.get(key);
      return rel ? declaredImageFields(chartDirOf(rel)) : [];
    },
    originOf: (key, ref, at) => {
      const rel = byKey.get(key);
      if (!rel) return undefined;
      const file = at
        ? rel.files.find((f) => `${rel.runlevel}/${rel.name}/${f.path}` === at.file)
        : undefined;
      const traced =
        file && at ? templateOrigin(rel, file.source, at.keys, ref, origins, at.item) : undefined;
      const o = traced ? summarise(traced.parts) : imageOrigin(rel, ref, origins, chartDefaultLine);
      if (o.values) return `${o.values.file}:${o.values.line}:${o.values.col}`;
      return o.chartDefault ? `the chart default ${o.chartDefault}` : undefined;
    },
  };
}
