// Where each part of a rendered image reference came from, read from the template that wrote it
// (template-trace.ts): of the values and appVersion that template reads, the ones whose value the
// reference holds at a part's place set that part — the registry from global.imageRegistry, the
// repository from a values file line, the tag from the chart's appVersion in Chart.yaml. No value
// is matched against the whole values tree: only what the field's own template reads.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { chartTemplates } from '../render/chart-templates.js';
import type { OriginMap } from '../render/provenance.js';
import { valuesPointers } from '../render/provenance.js';
import type { RenderedRelease } from '../render/types.js';
import { coreRoot } from '../shared/paths.js';
import { lineOfPointer } from '../shared/yaml/full.js';
import { parseYaml } from '../shared/yaml/plain.js';
import { fieldReads, type Read } from './template-trace.js';
import type { ImageOrigin, ImagePart } from './types.js';

export interface TemplateOrigin {
  /** One per part the template's reads explain, in the order registry, repository, tag, digest. */
  parts: ImageOrigin[];
}

/**
 * The origin of each part of `ref` as the template of `source` wrote it at the field whose key
 * path is `keys` (list items left out). Undefined when the template is not one of the release's
 * chart (nothing to read).
 */
export function templateOrigin(
  rel: RenderedRelease,
  source: string,
  keys: readonly string[],
  ref: string,
  origins: OriginMap | undefined,
): TemplateOrigin | undefined {
  const dir = isAbsolute(rel.chart.path) ? rel.chart.path : join(coreRoot, rel.chart.path);
  if (!existsSync(join(dir, 'Chart.yaml'))) return undefined;
  const templates = chartTemplates(dir);
  if (!templates.files.has(source)) return undefined;
  const reads = fieldReads(templates, source, keys);
  const chain = subCharts(source);
  const view = chartView(dir, rel.chart.path, chain, rel.values);
  const spans = partSpans(ref);
  const parts: ImageOrigin[] = [];
  for (const part of ['registry', 'repository', 'tag', 'digest'] as const) {
    const span = spans[part];
    if (!span) continue;
    let best: { read: Read; overlap: number; exact: boolean } | undefined;
    for (const read of reads) {
      const value = 'values' in read ? valueAt(view.values, read.values) : view.appVersion;
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      const text = String(value);
      if (text === '') continue;
      for (const at of aligned(ref, text)) {
        const overlap = Math.min(at + text.length, span[1]) - Math.max(at, span[0]);
        if (overlap <= 0) continue;
        const exact = at === span[0] && at + text.length === span[1];
        if (!best || overlap > best.overlap || (overlap === best.overlap && exact && !best.exact)) {
          best = { read, overlap, exact };
        }
      }
    }
    if (!best) continue;
    const where = readOrigin(rel, view, chain, best.read, origins);
    if (where) parts.push({ part, ...where });
  }
  return { parts };
}

/** Sub-chart names from a source path: app/charts/sub/charts/lib/templates/x.yaml → [sub, lib]. */
function subCharts(source: string): string[] {
  const segs = source.split('/');
  const out: string[] = [];
  for (let i = 1; i + 1 < segs.length && segs[i] === 'charts'; i += 2) out.push(segs[i + 1] as string);
  return out;
}

interface ChartView {
  values: unknown; // .Values as the template sees it: chart defaults under the release's values
  appVersion: string | undefined;
  appVersionAt: string | undefined; // <chart>/Chart.yaml:<line>
  defaults: { file: string; text: string; prefix: string }[]; // values.yaml files, nearest first
}

const files = new Map<string, string | undefined>();

function readText(path: string): string | undefined {
  if (!files.has(path)) files.set(path, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  return files.get(path);
}

function chartView(dir: string, shown: string, chain: readonly string[], values: unknown): ChartView {
  const parentDefaults = parseYaml(readText(join(dir, 'values.yaml')) ?? '') ?? {};
  let merged = merge(parentDefaults, values);
  const defaults = [
    { file: join(shown, 'values.yaml'), text: readText(join(dir, 'values.yaml')) ?? '', prefix: '' },
  ];
  let chartDir = dir;
  let chartShown = shown;
  let prefix = '';
  for (const sub of chain) {
    chartDir = join(chartDir, 'charts', sub);
    chartShown = join(chartShown, 'charts', sub);
    prefix += `/${sub}`;
    const own = parseYaml(readText(join(chartDir, 'values.yaml')) ?? '') ?? {};
    const global = isMap(merged) ? merged.global : undefined;
    const given = isMap(merged) ? merged[sub] : undefined;
    merged = merge(merge(own, given), global === undefined ? {} : { global });
    defaults.unshift({
      file: join(chartShown, 'values.yaml'),
      text: readText(join(chartDir, 'values.yaml')) ?? '',
      prefix,
    });
  }
  const chartText = readText(join(chartDir, 'Chart.yaml')) ?? '';
  const meta = parseYaml(chartText) as { appVersion?: unknown } | null;
  const appVersion = meta?.appVersion === undefined ? undefined : String(meta.appVersion);
  return {
    values: merged,
    appVersion,
    appVersionAt:
      appVersion === undefined
        ? undefined
        : `${join(chartShown, 'Chart.yaml')}:${lineOfPointer(chartText, '/appVersion')}`,
    defaults,
  };
}

function readOrigin(
  rel: RenderedRelease,
  view: ChartView,
  chain: readonly string[],
  read: Read,
  origins: OriginMap | undefined,
): Omit<ImageOrigin, 'part'> | undefined {
  if (!('values' in read)) return view.appVersionAt ? { chart: view.appVersionAt } : undefined;
  // A sub-chart's .Values is its parent's <sub> key; global is shared by all.
  const inRelease = read.values.startsWith('/global')
    ? read.values
    : `${chain.map((c) => `/${esc(c)}`).join('')}${read.values}`;
  for (const c of valuesPointers(rel, inRelease, origins)) {
    const o = origins?.get(c);
    if (o && o.layer !== 'defaults') return { values: { file: o.file, line: o.line, col: o.col } };
  }
  for (const d of view.defaults) {
    const ptr = read.values.startsWith('/global') ? read.values : inRelease.slice(d.prefix.length);
    if (d.text === '' || valueAt(parseYaml(d.text), ptr) === undefined) continue;
    return { chart: `${d.file}:${lineOfPointer(d.text, ptr)}` };
  }
  return undefined;
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

function valueAt(tree: unknown, pointer: string): unknown {
  let node = tree;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isMap(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** helm's coalesce, for reading: maps merge, the later scalar wins, null removes. */
function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isMap(base) || !isMap(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = merge(base[k], v);
  }
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function esc(s: string): string {
  return s.replaceAll('~', '~0').replaceAll('/', '~1');
}
