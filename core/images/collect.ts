// Every image a render runs, from the rendered objects themselves (not from values), each with
// every place it is used and the values line that set it. Pure: the render, the origins and the
// chart lookups come in; `runlevel images` and `runlevel bundle create` share the result.

import type { OriginMap } from '../render/provenance.js';
import type { RenderedRelease } from '../render/types.js';
import { parsePath } from '../shared/field-path.js';
import { coreInMirror, mirrorRef } from '../shared/images/mirror.js';
import { formatImageRef, parseImageRef } from '../shared/images/reference.js';
import { type ImageField, imageSites } from '../shared/images/sites.js';
import { splitDocuments } from '../shared/yaml/documents.js';
import { parseYaml } from '../shared/yaml/plain.js';
import { templateOrigin } from './origins.js';
import { type ChartDefaultLine, imageOrigin } from './provenance.js';
import type { ImageOrigin, ImageUse, PlatformImage } from './types.js';

export interface CollectContext {
  /** platform.registry.mirror; empty or absent: no rewrite, target = source. */
  mirror?: string;
  /** images.lock.yaml: source (full form) → digest. */
  digests?: Readonly<Record<string, string>>;
  /** The values stage's origins (Resolved.origins). */
  origins?: OriginMap;
  /** The chart's declared image fields (runlevel.dev/image-fields). */
  fieldsOf?: (rel: RenderedRelease) => readonly ImageField[];
  chartDefault?: ChartDefaultLine;
  /** The runlevel core image itself, listed with the rest. */
  core?: { source: string; pin?: { file: string; line: number; col: number } };
}

const testHooks = new Set(['test', 'test-success', 'test-failure']);

export function collectImages(
  releases: readonly RenderedRelease[],
  ctx: CollectContext = {},
): PlatformImage[] {
  const bySource = new Map<string, PlatformImage>();
  const entry = (source: string): PlatformImage => {
    let image = bySource.get(source);
    if (!image) {
      const digest = ctx.digests?.[source] ?? parseImageRef(source)?.digest;
      const target = ctx.mirror ? (mirrorRef(source, ctx.mirror, digest) ?? source) : source;
      image = { source, target, ...(digest ? { digest } : {}), uses: [] };
      bySource.set(source, image);
    }
    return image;
  };
  for (const rel of releases) {
    const fields = ctx.fieldsOf?.(rel) ?? [];
    for (const file of rel.files) {
      for (const doc of splitDocuments(file.text)) {
        const body = parseYaml(doc.text) as Record<string, unknown> | null;
        if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
        const meta = (body.metadata ?? {}) as { name?: unknown; namespace?: unknown; annotations?: unknown };
        const hook = (meta.annotations as Record<string, unknown> | undefined)?.['helm.sh/hook'];
        const hooks = typeof hook === 'string' ? hook.split(',').map((h) => h.trim()) : [];
        // helm test Pods run only under `helm test`, never in a deploy: not part of the platform.
        if (hooks.some((h) => testHooks.has(h))) continue;
        for (const site of imageSites(body, fields)) {
          const parsed = parseImageRef(site.ref);
          if (!parsed) continue;
          const namespace = typeof meta.namespace === 'string' ? meta.namespace : rel.namespace;
          const use: ImageUse = {
            runlevel: rel.runlevel,
            release: rel.name,
            namespace,
            object: `${String(body.kind)}/${String(meta.name ?? '')}`,
            field: site.field,
            ...(hooks.length > 0 ? { hook: hooks.join(',') } : {}),
            ...useOrigin(rel, file.source, site, ctx),
          };
          entry(formatImageRef(parsed)).uses.push(use);
        }
      }
    }
  }
  if (ctx.core) {
    const core = entry(ctx.core.source);
    core.core = true;
    // Not the platform images' mapping: bundle push puts the core at <mirror>/runlevel:<version>.
    const version = parseImageRef(ctx.core.source)?.tag;
    if (ctx.mirror && version) core.target = coreInMirror(version, ctx.mirror);
    if (ctx.core.pin) core.pin = ctx.core.pin;
  }
  const images = [...bySource.values()].sort((a, b) => compare(a.source, b.source));
  for (const image of images) image.uses.sort(compareUses);
  return images;
}

/**
 * The origin of one use: read from the template that wrote the field when that template is the
 * chart's (templateOrigin), by the values that spell the image only when it is not.
 */
function useOrigin(
  rel: RenderedRelease,
  source: string,
  site: { field: string; ref: string },
  ctx: CollectContext,
): Pick<ImageUse, 'values' | 'chartDefault' | 'parts' | 'unknown'> {
  const path = parsePath(site.field) ?? [];
  const keys = path.flatMap((s) => ('key' in s ? [s.key] : []));
  const items = path.flatMap((s) => ('item' in s ? [s.item] : []));
  const traced = templateOrigin(rel, source, keys, site.ref, ctx.origins, items[items.length - 1]);
  const o = traced ? summarise(traced.parts) : imageOrigin(rel, site.ref, ctx.origins, ctx.chartDefault);
  return o.values || o.chartDefault ? o : { ...o, unknown: true };
}

/** `values`/`chartDefault` of the repository (or the first part), and every part. */
export function summarise(
  parts: readonly ImageOrigin[],
): Pick<ImageUse, 'values' | 'chartDefault' | 'parts'> {
  if (parts.length === 0) return {};
  const main = parts.find((p) => p.part === 'repository' && !p.unknown) ?? parts.find((p) => !p.unknown);
  if (!main) return { parts: [...parts] };
  const values = main.values ?? parts.find((p) => p.values)?.values;
  return {
    ...(values ? { values } : main.chart ? { chartDefault: main.chart } : {}),
    parts: [...parts],
  };
}

function compareUses(a: ImageUse, b: ImageUse): number {
  return (
    compare(a.runlevel, b.runlevel) ||
    compare(a.release, b.release) ||
    compare(a.namespace ?? '', b.namespace ?? '') ||
    compare(a.object, b.object) ||
    compare(a.field, b.field)
  );
}

/** Code-point order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
