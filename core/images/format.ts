// `runlevel images` for people: one line per image (source → target [digest]) with its uses below,
// and --why IMAGE, which finds one image however it is spelled and explains every use of it.
import { closest } from '../shared/edit-distance.js';
import { parseImageRef, repositoryOf } from '../shared/images/reference.js';
import type { ImageOrigin, ImageUse, PlatformImage } from './types.js';

export function formatImages(images: readonly PlatformImage[]): string {
  const lines: string[] = [];
  for (const image of images) {
    lines.push(`${image.source} → ${image.target}${image.digest ? ` [${image.digest}]` : ''}`);
    if (image.core)
      lines.push(`    runlevel core image${image.pin ? ` (pinned at ${where(image.pin)})` : ''}`);
    for (const use of image.uses) lines.push(`    ${useLine(use)}`);
  }
  return lines.join('\n');
}

export function useLine(use: ImageUse): string {
  const origin = originText(use);
  const hook = use.hook ? ` (hook ${use.hook}: not rewritten by helm)` : '';
  return `${use.runlevel}/${use.release} ${use.object} ${use.field}${hook} ← ${origin}`;
}

/** One place when every part came from it; else each part with its own (`tag charts/x/Chart.yaml:6`). */
function originText(use: ImageUse): string {
  const place = (p: ImageOrigin) =>
    p.values ? where(p.values) : p.chart ? `chart default ${p.chart}` : 'unknown origin';
  const parts = use.parts ?? [];
  if (new Set(parts.map(place)).size > 1) return parts.map((p) => `${p.part} ${place(p)}`).join(', ');
  return use.values
    ? where(use.values)
    : use.chartDefault
      ? `chart default ${use.chartDefault}`
      : 'unknown origin';
}

function where(w: { file: string; line: number; col: number }): string {
  return `${w.file}:${w.line}:${w.col}`;
}

/**
 * The images a query names: by source or target, in full or as written in a chart (nginx:1.27),
 * with or without registry or tag (docker.io/library/nginx, prometheus/node-exporter).
 */
export function findImages(images: readonly PlatformImage[], query: string): PlatformImage[] {
  return images.filter((image) => [image.source, image.target].some((ref) => refMatches(ref, query)));
}

function refMatches(ref: string, query: string): boolean {
  if (ref === query) return true;
  const image = parseImageRef(ref);
  if (!image) return false;
  const q = parseImageRef(query);
  if (q && sameRef(image, q) && !impliedLatest(query)) return true;
  // Without tag (or digest): any tag of that repository; without registry: the repository path.
  const digestAt = query.indexOf('@');
  const nameTag = digestAt >= 0 ? query.slice(0, digestAt) : query;
  const colon = nameTag.lastIndexOf(':');
  const hasTag = colon > nameTag.lastIndexOf('/');
  const name = hasTag ? nameTag.slice(0, colon) : nameTag;
  const tag = hasTag ? nameTag.slice(colon + 1) : undefined;
  const digest = digestAt >= 0 ? query.slice(digestAt + 1) : undefined;
  if (tag !== undefined && tag !== image.tag) return false;
  if (digest !== undefined && digest !== image.digest) return false;
  const full = repositoryOf(image);
  const named = parseImageRef(name);
  return (
    (named !== undefined && repositoryOf(named) === full) ||
    image.repository === name ||
    full.endsWith(`/${name}`)
  );
}

function sameRef(a: ReturnType<typeof parseImageRef>, b: ReturnType<typeof parseImageRef>): boolean {
  return !!a && !!b && repositoryOf(a) === repositoryOf(b) && a.tag === b.tag && a.digest === b.digest;
}

/** `nginx` parses as nginx:latest; a query without a tag means any tag, not latest. */
function impliedLatest(query: string): boolean {
  const nameTag = query.split('@')[0] ?? '';
  return !query.includes('@') && nameTag.lastIndexOf(':') <= nameTag.lastIndexOf('/');
}

/** The closest name a user may have meant, for "did you mean". */
export function closestImage(images: readonly PlatformImage[], query: string): string | undefined {
  const names = images.flatMap((i) => {
    const p = parseImageRef(i.source);
    if (!p) return [];
    const last = p.repository.split('/').pop() ?? p.repository;
    return [
      i.source,
      i.target,
      `${p.repository}:${p.tag ?? ''}`,
      p.repository.replace(/^library\//, ''),
      last,
    ];
  });
  return closest(query, names);
}
