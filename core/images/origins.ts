// Where each part of a rendered image reference came from, read from the template that wrote it
// (template-trace.ts): of the values and appVersion that template reads, the ones whose value the
// reference holds at a part's place set that part — the registry from global.imageRegistry, the
// repository from a values file line, the tag from the chart's appVersion in Chart.yaml. No value
// is matched against the whole values tree: only what the field's own template reads. A part no
// read explains, or that two items of a `range` explain alike, is an unknown origin, never a guess.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { readTgz } from '../check/chart-archive.js';
import { chartTemplates } from '../render/chart-templates.js';
import type { OriginMap } from '../render/provenance.js';
import type { RenderedRelease } from '../render/types.js';
import { coreRoot } from '../shared/paths.js';
import { type ChartView, chartView, esc, isMap, pointerOrigin, valueAt } from './chart-view.js';
import { ITEM } from './template-sym.js';
import { fieldReads, type Read } from './template-trace.js';
import type { ImageOrigin, ImagePart } from './types.js';

export interface TemplateOrigin {
  /** One per part of the reference, in the order registry, repository, tag, digest. */
  parts: ImageOrigin[];
}

/** A read made concrete: a `range` item's pointer with the item's index or key filled in. */
interface Candidate {
  read: Read;
  item?: { ptr: string; key: string }; // the item of the range (/sidecars/1), and its key
}

/**
 * The origin of each part of `ref` as the template of `source` wrote it at the field whose key
 * path is `keys` (list items left out); `item`: the list item the field is in (`name=metrics`).
 * Undefined when the template is not one of the release's chart (nothing to read).
 */
export function templateOrigin(
  rel: RenderedRelease,
  source: string,
  keys: readonly string[],
  ref: string,
  origins: OriginMap | undefined,
  item?: string,
): TemplateOrigin | undefined {
  const dir = isAbsolute(rel.chart.path) ? rel.chart.path : join(coreRoot, rel.chart.path);
  if (!existsSync(join(dir, 'Chart.yaml'))) return undefined;
  const templates = chartTemplates(dir, readTgz);
  if (!templates.files.has(source)) return undefined;
  const view = chartView(templates, dir, rel.chart.path, source, rel.values);
  const candidates = fieldReads(templates, source, keys).flatMap((r) => expand(r, view.values));
  const spans = partSpans(ref);
  const found = (['registry', 'repository', 'tag', 'digest'] as const).flatMap((part) => {
    const span = spans[part];
    return span ? [{ part, best: bestFor(ref, span, candidates, view) }] : [];
  });
  // The items another part was surely read from: of two items with one repository, the one whose tag it is.
  const sure = new Set(found.flatMap((f) => (f.best.length === 1 ? [f.best[0]?.item?.ptr ?? ''] : [])));
  const parts: ImageOrigin[] = [];
  for (const { part, best } of found) {
    const ofSure = best.filter((c) => sure.has(c.item?.ptr ?? ''));
    const chosen = best.length > 1 ? (byName(ofSure, item) ?? byName(best, item)) : best[0];
    const where = chosen && readOrigin(rel, view, chosen.read, origins);
    parts.push(where ? { part, ...where } : { part, unknown: true });
  }
  return { parts };
}

/** The candidates whose value covers most of the part (exact first); several only for range items. */
function bestFor(ref: string, span: [number, number], candidates: Candidate[], view: ChartView): Candidate[] {
  let best: { c: Candidate; overlap: number; exact: boolean }[] = [];
  for (const c of candidates) {
    const value = 'values' in c.read ? valueAt(view.values, c.read.values) : view.appVersion;
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    const text = String(value);
    if (text === '') continue;
    for (const at of aligned(ref, text)) {
      const overlap = Math.min(at + text.length, span[1]) - Math.max(at, span[0]);
      if (overlap <= 0) continue;
      const exact = at === span[0] && at + text.length === span[1];
      const top = best[0];
      if (!top || overlap > top.overlap || (overlap === top.overlap && exact && !top.exact)) {
        best = [{ c, overlap, exact }];
      } else if (overlap === top.overlap && exact === top.exact && c.item && top.c.item) {
        // Two items of one range spell this part alike: which one wrote it is decided by name.
        if (!best.some((b) => b.c.item?.ptr === c.item?.ptr)) best.push({ c, overlap, exact });
      }
    }
  }
  return best.map((b) => b.c);
}

/** Of range items that spell a part alike, the only one, or the one named as the field's list item. */
function byName(best: Candidate[], item: string | undefined): Candidate | undefined {
  if (best.length === 1) return best[0];
  const name = item?.startsWith('name=') ? item.slice(5) : undefined;
  if (name === undefined) return undefined;
  const named = best.filter((c) => c.item?.key === name);
  return named.length === 1 ? named[0] : undefined;
}

/** Every item a `range` read may stand for in the view's values: /sidecars/[*]/image → /sidecars/0/image … */
function expand(read: Read, values: unknown): Candidate[] {
  if (!('values' in read)) return [{ read }];
  const segs = read.values.split('/').slice(1);
  const out: Candidate[] = [];
  const walk = (i: number, ptr: string, node: unknown, item: Candidate['item']) => {
    if (i === segs.length) {
      out.push({ read: { values: ptr }, ...(item ? { item } : {}) });
      return;
    }
    const seg = segs[i] as string;
    if (seg !== ITEM) {
      const next = `${ptr}/${seg}`;
      walk(i + 1, next, valueAt(values, next), item);
      return;
    }
    const entries = Array.isArray(node)
      ? node.map((v, k) => [String(k), v] as const)
      : isMap(node)
        ? Object.entries(node)
        : [];
    for (const [k, v] of entries) {
      const at = `${ptr}/${esc(k)}`;
      // A list item is known by its `name`, a map item by its key (as containers are named).
      const key = Array.isArray(node) ? (isMap(v) && typeof v.name === 'string' ? v.name : '') : k;
      walk(i + 1, at, v, { ptr: at, key });
    }
  };
  walk(0, '', values, undefined);
  return out;
}

function readOrigin(
  rel: RenderedRelease,
  view: ChartView,
  read: Read,
  origins: OriginMap | undefined,
): Omit<ImageOrigin, 'part'> | undefined {
  if (!('values' in read)) return view.appVersionAt ? { chart: view.appVersionAt } : undefined;
  return pointerOrigin(rel, view, read.values, origins);
}

/** Offsets of `ref`'s registry, repository, tag and digest: [start, end). */
export function partSpans(ref: string): Partial<Record<ImagePart, [number, number]>> {
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const slash = name.indexOf('/');
  const colon = name.lastIndexOf(':');
  const tagAt = colon > name.lastIndexOf('/') ? colon : -1;
  const nameEnd = tagAt >= 0 ? tagAt : name.length;
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const out: Partial<Record<ImagePart, [number, number]>> = {};
  if (hasRegistry) out.registry = [0, slash];
  out.repository = [hasRegistry ? slash + 1 : 0, nameEnd];
  if (tagAt >= 0) out.tag = [tagAt + 1, name.length];
  if (at >= 0) out.digest = [at + 1, ref.length];
  return out;
}

/** Where `text` stands in `ref` between separators (`/`, `:`, `@`, the ends): never inside a word. */
function aligned(ref: string, text: string): number[] {
  const out: number[] = [];
  const edge = (i: number) => i <= 0 || i >= ref.length || '/:@'.includes(ref[i] ?? '');
  for (let i = ref.indexOf(text); i >= 0; i = ref.indexOf(text, i + 1)) {
    const before = i === 0 || '/:@'.includes(ref[i - 1] ?? '');
    if (before && edge(i + text.length)) out.push(i);
  }
  return out;
}
