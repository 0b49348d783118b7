// .Values and the chart files as one template of a release sees them: a sub-chart's values are its
// parent's <alias or name> key over its own values.yaml, global is shared, appVersion is its own
// Chart.yaml's. origins.ts reads a template's reads against this view, and turns the one that set
// an image part into the values line (or the chart default line) behind it.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ChartTemplates } from '../render/chart-templates.js';
import type { OriginMap } from '../render/provenance.js';
import { valuesPointers } from '../render/provenance.js';
import type { RenderedRelease } from '../render/types.js';
import { lineOfPointer } from '../shared/yaml/full.js';
import { parseYaml } from '../shared/yaml/plain.js';
import type { ImageOrigin } from './types.js';

export interface ChartView {
  values: unknown; // .Values as the template sees it: chart defaults under the release's values
  appVersion: string | undefined;
  appVersionAt: string | undefined; // <chart>/Chart.yaml:<line>
  // values.yaml files, the parent's first: helm lets a parent's default override its sub-chart's
  defaults: { file: string; text: string; prefix: string }[];
  chain: string[]; // the sub-charts' names in `# Source:` (an alias where one is given)
}

const files = new Map<string, string | undefined>();

function readDisk(path: string): string | undefined {
  if (!files.has(path)) files.set(path, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  return files.get(path);
}

/** The view of the template `source` (app/charts/<alias>/templates/x.yaml) of the chart in `dir`. */
export function chartView(
  templates: ChartTemplates,
  dir: string,
  shown: string,
  source: string,
  values: unknown,
): ChartView {
  const segs = source.split('/');
  // A sub-chart kept as a .tgz: its files as chart-templates.ts read them from the archive.
  const readText = (path: string) => templates.texts.get(path) ?? readDisk(path);
  let merged = merge(parseYaml(readText(join(dir, 'values.yaml')) ?? '') ?? {}, values);
  const defaults = [
    { file: join(shown, 'values.yaml'), text: readText(join(dir, 'values.yaml')) ?? '', prefix: '' },
  ];
  const chain: string[] = [];
  let chartDir = dir;
  let at = segs[0] ?? '';
  let prefix = '';
  for (let i = 1; i + 1 < segs.length && segs[i] === 'charts'; i += 2) {
    const sub = segs[i + 1] as string;
    at += `/charts/${sub}`;
    // An aliased dependency lives in charts/<name>/ but is named (and given values) by its alias.
    chartDir = templates.dirs.get(at) ?? join(chartDir, 'charts', sub);
    chain.push(sub);
    prefix += `/${esc(sub)}`;
    const text = readText(join(chartDir, 'values.yaml')) ?? '';
    const global = isMap(merged) ? merged.global : undefined;
    const given = isMap(merged) ? merged[sub] : undefined;
    merged = merge(merge(parseYaml(text) ?? {}, given), global === undefined ? {} : { global });
    defaults.push({ file: join(shown, relative(dir, chartDir), 'values.yaml'), text, prefix });
  }
  const chartText = readText(join(chartDir, 'Chart.yaml')) ?? '';
  const meta = parseYaml(chartText) as { appVersion?: unknown } | null;
  const appVersion = meta?.appVersion === undefined ? undefined : String(meta.appVersion);
  const chartAt = join(shown, relative(dir, chartDir), 'Chart.yaml');
  return {
    values: merged,
    appVersion,
    appVersionAt:
      appVersion === undefined ? undefined : `${chartAt}:${lineOfPointer(chartText, '/appVersion')}`,
    defaults,
    chain,
  };
}

/** The values line (else the chart default line) that set the value at `pointer` of the view. */
export function pointerOrigin(
  rel: RenderedRelease,
  view: ChartView,
  pointer: string,
  origins: OriginMap | undefined,
): Omit<ImageOrigin, 'part'> | undefined {
  // A sub-chart's .Values is its parent's <alias> key; global is shared by all.
  const inRelease = pointer.startsWith('/global')
    ? pointer
    : `${view.chain.map((c) => `/${esc(c)}`).join('')}${pointer}`;
  for (const c of valuesPointers(rel, inRelease, origins)) {
    const o = origins?.get(c);
    if (o && o.layer !== 'defaults') return { values: { file: o.file, line: o.line, col: o.col } };
  }
  for (const d of view.defaults) {
    const ptr = pointer.startsWith('/global') ? pointer : inRelease.slice(d.prefix.length);
    if (!ptr.startsWith('/') && ptr !== '') continue;
    if (d.text === '' || valueAt(parseYaml(d.text), ptr) === undefined) continue;
    return { chart: `${d.file}:${lineOfPointer(d.text, ptr)}` };
  }
  return undefined;
}

export function valueAt(tree: unknown, pointer: string): unknown {
  let node = tree;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) node = /^\d+$/.test(key) ? node[Number(key)] : undefined;
    else if (isMap(node)) node = node[key];
    else return undefined;
  }
  return node;
}

/** helm's coalesce, for reading: maps merge, the later scalar (or list) wins, null removes. */
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

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function esc(s: string): string {
  return s.replaceAll('~', '~0').replaceAll('/', '~1');
}
