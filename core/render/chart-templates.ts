// Every template of a chart and its sub-charts read once: by helm's `# Source:` name, its actions
// (template-lexer.ts) and the key path of each line (template-paths.ts), and every `define`d
// helper. Both readers of templates use it: varying objects (varying.ts) and image origins
// (images/template-trace.ts).
import { join } from 'node:path';
import { parseYaml } from '../shared/yaml/plain.js';
import { type ChartTree, diskTree, type Unpack } from './chart-tree.js';
import { type Action, templateActions } from './template-lexer.js';
import { type LinePath, linePaths } from './template-paths.js';

export interface Template {
  text: string;
  actions: Action[]; // comments left out
  paths: Map<number, LinePath>;
}

/** A `define`d helper: the actions (from, to] of the template that holds it. */
export interface Define {
  template: Template;
  from: number; // index of the first action after `define`
  to: number; // index of its `end`
}

export interface ChartTemplates {
  /** helm's `# Source:` path → the template. */
  files: Map<string, Template>;
  defines: Map<string, Define>;
  /** A sub-chart's `# Source:` prefix (app/charts/<alias or name>) → its directory or .tgz. */
  dirs: Map<string, string>;
  /** Chart.yaml and values.yaml of every chart read, by path (inside a .tgz: <x.tgz>/values.yaml). */
  texts: Map<string, string>;
}

/** Actions that open a block closed by `end` (besides `define`). */
export const blockWords = new Set(['if', 'range', 'with', 'block']);
const loaded = new Map<string, ChartTemplates>();

/**
 * Every template of a chart and its sub-charts, by helm's source name, and every define; with
 * `unpack`, also of sub-charts kept as .tgz in charts/.
 */
export function chartTemplates(chartDir: string, unpack?: Unpack): ChartTemplates {
  const id = `${unpack ? 'tgz' : 'dir'} ${chartDir}`;
  const known = loaded.get(id);
  if (known) return known;
  const out: ChartTemplates = { files: new Map(), defines: new Map(), dirs: new Map(), texts: new Map() };
  const tree = diskTree(chartDir, unpack);
  load(tree, chartName(tree), out);
  loaded.set(id, out);
  return out;
}

function chartName(tree: ChartTree): string {
  const meta = parseYaml(tree.read('Chart.yaml') ?? '') as { name?: string } | null;
  return String(meta?.name ?? tree.at.split('/').pop());
}

function load(tree: ChartTree, prefix: string, out: ChartTemplates): void {
  const walk = (rel: string) => {
    for (const e of tree.list(rel)) {
      if (e.dir) walk(`${rel}/${e.name}`);
      else out.files.set(`${prefix}/${rel}/${e.name}`, parse(tree.read(`${rel}/${e.name}`) ?? '', out));
    }
  };
  walk('templates');
  // What chart-view.ts reads of an archived chart, by the path it is shown under.
  for (const f of ['Chart.yaml', 'values.yaml']) {
    const text = tree.read(f);
    if (text !== undefined) out.texts.set(join(tree.at, f), text);
  }
  const aliases = dependencyAliases(tree);
  for (const e of tree.list('charts')) {
    const sub = e.dir
      ? subTree(tree, `charts/${e.name}`)
      : e.name.endsWith('.tgz')
        ? tree.archive(`charts/${e.name}`)
        : undefined;
    if (!sub || sub.read('Chart.yaml') === undefined) continue;
    // helm names an aliased dependency's templates by its alias, once per alias it is given under.
    for (const as of aliases.get(chartName(sub)) ?? [chartName(sub)]) {
      out.dirs.set(`${prefix}/charts/${as}`, sub.at);
      load(sub, `${prefix}/charts/${as}`, out);
    }
  }
}

/** A folder of a tree as a tree of its own. */
function subTree(tree: ChartTree, rel: string): ChartTree {
  return {
    at: join(tree.at, rel),
    list: (r) => tree.list(r === '' ? rel : `${rel}/${r}`),
    read: (r) => tree.read(`${rel}/${r}`),
    archive: (r) => tree.archive(`${rel}/${r}`),
  };
}

/** Chart.yaml dependencies by chart name → the names helm gives them (the alias, else the name). */
function dependencyAliases(tree: ChartTree): Map<string, string[]> {
  const meta = parseYaml(tree.read('Chart.yaml') ?? '') as {
    dependencies?: { name?: unknown; alias?: unknown }[];
  } | null;
  const out = new Map<string, string[]>();
  for (const d of Array.isArray(meta?.dependencies) ? meta.dependencies : []) {
    if (typeof d?.name !== 'string') continue;
    const as = typeof d.alias === 'string' && d.alias !== '' ? d.alias : d.name;
    out.set(d.name, [...(out.get(d.name) ?? []), as]);
  }
  return out;
}

function parse(text: string, out: ChartTemplates): Template {
  const all = templateActions(text);
  const actions = all.filter((a) => !a.comment);
  const edges = new Set<number>();
  const open: { word: string; at: number; name?: string }[] = [];
  const template: Template = { text, actions, paths: new Map() };
  actions.forEach((a, i) => {
    const first = a.tokens[0]?.text ?? '';
    if (first === 'define' || blockWords.has(first)) {
      const name = first === 'define' && a.tokens[1]?.kind === 'string' ? a.tokens[1].text : undefined;
      open.push({ word: first, at: i, ...(name ? { name } : {}) });
      if (first === 'define') edges.add(a.line);
    } else if (first === 'end') {
      const o = open.pop();
      if (o?.word !== 'define') return;
      edges.add(a.line);
      if (o.name) out.defines.set(o.name, { template, from: o.at + 1, to: i });
    }
  });
  // A define's body is a document of its own: key paths restart at its first and after its last line.
  template.paths = linePaths(text, all, edges);
  return template;
}
