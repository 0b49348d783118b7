// Which values line set an image: the release's values leaf equal to the image (or to its
// repository and tag parts), mapped to the values repo as schema errors are (render/provenance.ts)
// and looked up in the values stage's origins. When no values file set it, the chart's own
// values.yaml did.

import type { OriginMap } from '../render/provenance.js';
import { type ReleaseId, valuesPointers } from '../render/provenance.js';
import { parseImageRef, repositoryOf } from '../shared/images/reference.js';
import type { ImageUse } from './types.js';

export interface ReleaseValues extends ReleaseId {
  values: Record<string, unknown>;
}

/** The chart's own values.yaml line that spells an image (charts/<chart>/values.yaml:<line>). */
export type ChartDefaultLine = (rel: ReleaseValues, ref: string) => string | undefined;

/** Chart-value pointers that spell this image, best first: the whole reference, its repository, its tag. */
export function imagePointers(values: Record<string, unknown>, ref: string): string[] {
  const image = parseImageRef(ref);
  if (!image) return [];
  const whole: string[] = [];
  const repo: string[] = [];
  const parts: string[] = [];
  const visit = (node: unknown, ptr: string) => {
    if (Array.isArray(node)) {
      for (const [i, v] of node.entries()) visit(v, `${ptr}/${i}`);
      return;
    }
    if (typeof node === 'string') {
      if (node === ref) whole.push(ptr);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const map = node as Record<string, unknown>;
    const repository = map.repository ?? map.image ?? map.name;
    const repoKey = map.repository !== undefined ? 'repository' : map.image !== undefined ? 'image' : 'name';
    // A repository has no tag or digest of its own; a registry's port (host:5000/x) is no tag.
    const tagged = typeof repository === 'string' && /:[^/]*$/.test(repository);
    if (typeof repository === 'string' && !tagged && !repository.includes('@')) {
      const registry = typeof map.registry === 'string' && map.registry !== '' ? `${map.registry}/` : '';
      const named = parseImageRef(`${registry}${repository}`);
      if (named && repositoryOf(named) === repositoryOf(image)) {
        const tag = map.tag === undefined ? undefined : String(map.tag);
        const digest = typeof map.digest === 'string' && map.digest !== '' ? map.digest : undefined;
        const tagFits =
          tag === undefined || tag === image.tag || (digest !== undefined && digest === image.digest);
        if (tagFits) {
          repo.push(`${ptr}/${esc(repoKey)}`);
          if (registry) parts.push(`${ptr}/registry`);
          if (tag !== undefined && tag === image.tag) parts.push(`${ptr}/tag`);
          if (digest !== undefined && digest === image.digest) parts.push(`${ptr}/digest`);
        }
      }
    }
    for (const [k, v] of Object.entries(map)) visit(v, `${ptr}/${esc(k)}`);
  };
  visit(values, '');
  return [...whole, ...repo, ...parts];
}

/** Where the image of one use was set: a values file line, or the chart's default. */
export function imageOrigin(
  rel: ReleaseValues,
  ref: string,
  origins: OriginMap | undefined,
  chartDefault?: ChartDefaultLine,
): Pick<ImageUse, 'values' | 'chartDefault'> {
  const pointers = imagePointers(rel.values, ref);
  for (const ptr of pointers) {
    for (const c of valuesPointers(rel, ptr, origins)) {
      const o = origins?.get(c);
      if (o && o.layer !== 'defaults') return { values: { file: o.file, line: o.line, col: o.col } };
    }
  }
  const line = chartDefault?.(rel, ref);
  return line ? { chartDefault: line } : {};
}

function esc(s: string): string {
  return s.replaceAll('~', '~0').replaceAll('/', '~1');
}
