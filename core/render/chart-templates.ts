// Every template of a chart and its sub-charts read once: by helm's `# Source:` name, its actions
// (template-lexer.ts) and the key path of each line (template-paths.ts), and every `define`d
// helper. Both readers of templates use it: varying objects (varying.ts) and image origins
// (images/template-trace.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../shared/yaml/plain.js';
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
  /** A sub-chart's `# Source:` prefix (app/charts/<alias or name>) → its directory. */
  dirs: Map<string, string>;
}

/** Actions that open a block closed by `end` (besides `define`). */
export const blockWords = new Set(['if', 'range', 'with', 'block']);
const loaded = new Map<string, ChartTemplates>();

/** Every template of a chart and its sub-charts, by helm's source name, and every define. */
export function chartTemplates(chartDir: string): ChartTemplates {
  const known = loaded.get(chartDir);
  if (known) return known;
  const out: ChartTemplates = { files: new Map(), defines: new Map(), dirs: new Map() };
  load(chartDir, chartName(chartDir), out);
  loaded.set(chartDir, out);
  return out;
}

function chartName(dir: string): string {
  const meta = parseYaml(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as { name?: string } | null;
  return String(meta?.name ?? dir.split('/').pop());
}

function load(dir: string, prefix: string, out: ChartTemplates): void {
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path, `${rel}/${name}`);
      else out.files.set(`${prefix}/${rel}/${name}`, parse(readFileSync(path, 'utf8'), out));
    }
  };
  if (existsSync(join(dir, 'templates'))) walk(join(dir, 'templates'), 'templates');
  const charts = join(dir, 'charts');
  if (!existsSync(charts)) return;
  const aliases = dependencyAliases(dir);
  for (const name of readdirSync(charts).sort()) {
    const sub = join(charts, name);
    if (!statSync(sub).isDirectory() || !existsSync(join(sub, 'Chart.yaml'))) continue;
    // helm names an aliased dependency's templates by its alias, once per alias it is given under.
    for (const as of aliases.get(chartName(sub)) ?? [chartName(sub)]) {
      out.dirs.set(`${prefix}/charts/${as}`, sub);
      load(sub, `${prefix}/charts/${as}`, out);
    }
  }
}

/** Chart.yaml dependencies by chart name → the names helm gives them (the alias, else the name). */
function dependencyAliases(dir: string): Map<string, string[]> {
  const meta = parseYaml(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as {
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
