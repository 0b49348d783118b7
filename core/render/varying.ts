// Which rendered objects are not repeatable: their templates call `lookup` (helm template renders
// it empty, a deploy reads the live object, so template and diff show something the deploy will
// not do) or a random, key-generating or clock function (every render differs). Found by reading the
// chart's templates, not by rendering twice: a second render doubles the cost of every render, and
// still cannot see lookup, which is empty both times. The scan follows `include`/`template` through
// `define`d helpers, across the chart and its sub-charts (helper names are global in a chart).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { coreRoot } from '../shared/paths.js';
import { parseYaml } from '../shared/yaml/plain.js';

export type Variance = 'lookup' | 'random' | 'time';

const functions: Record<string, Variance> = {
  lookup: 'lookup',
  randAlphaNum: 'random',
  randAlpha: 'random',
  randNumeric: 'random',
  randAscii: 'random',
  randBytes: 'random',
  randInt: 'random',
  shuffle: 'random',
  uuidv4: 'random',
  genPrivateKey: 'random',
  genCA: 'random',
  genCAWithKey: 'random',
  genSelfSignedCert: 'random',
  genSelfSignedCertWithKey: 'random',
  genSignedCert: 'random',
  genSignedCertWithKey: 'random',
  bcrypt: 'random',
  htpasswd: 'random',
  now: 'time',
};
const callPattern = new RegExp(`(?<![\\w.$])(${Object.keys(functions).join('|')})\\b`, 'g');

interface Segment {
  uses: Set<Variance>;
  includes: Set<string>;
}

interface TemplateFile {
  source: string; // as helm's `# Source:` names it: <chart>/templates/x.yaml, <chart>/charts/<sub>/templates/y.yaml
  rendered: boolean; // helm renders it (its name does not start with _)
  top: Segment; // outside any define
}

const cache = new Map<string, Map<string, Variance[]>>();

/** helm's `# Source:` path → why objects rendered from it vary; only the sources that vary. */
export function varyingSources(chartDir: string): Map<string, Variance[]> {
  const known = cache.get(chartDir);
  if (known) return known;
  const files: TemplateFile[] = [];
  const defines = new Map<string, Segment>();
  collect(chartDir, chartName(chartDir), files, defines);
  const resolved = new Map<string, Set<Variance>>();
  const resolve = (seg: Segment, seen: Set<string>): Set<Variance> => {
    const out = new Set(seg.uses);
    for (const name of seg.includes) {
      if (seen.has(name)) continue;
      seen.add(name);
      const done = resolved.get(name);
      const d = defines.get(name);
      for (const v of done ?? (d ? resolve(d, seen) : [])) out.add(v);
    }
    return out;
  };
  for (const [name, seg] of defines) resolved.set(name, resolve(seg, new Set([name])));
  const result = new Map<string, Variance[]>();
  for (const f of files) {
    if (!f.rendered) continue;
    const v = resolve(f.top, new Set());
    if (v.size > 0) result.set(f.source, [...v].sort());
  }
  cache.set(chartDir, result);
  return result;
}

/** varyingSources of a release's chart, as the render names it (relative to the core). */
export function varyingOfChart(chartPath: string): Map<string, Variance[]> {
  return varyingSources(isAbsolute(chartPath) ? chartPath : join(coreRoot, chartPath));
}

function chartName(dir: string): string {
  const meta = parseYaml(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as { name?: string } | null;
  return String(meta?.name ?? dir.split('/').pop());
}

function collect(dir: string, prefix: string, files: TemplateFile[], defines: Map<string, Segment>): void {
  const templates = join(dir, 'templates');
  if (existsSync(templates)) {
    walk(templates, 'templates', (rel, text) => {
      const top = scan(text, defines);
      const base = rel.split('/').pop() ?? rel;
      files.push({
        source: `${prefix}/${rel}`,
        rendered: !base.startsWith('_') && !rel.endsWith('NOTES.txt'),
        top,
      });
    });
  }
  const charts = join(dir, 'charts');
  if (!existsSync(charts)) return;
  for (const name of readdirSync(charts).sort()) {
    const sub = join(charts, name);
    if (statSync(sub).isDirectory() && existsSync(join(sub, 'Chart.yaml'))) {
      collect(sub, `${prefix}/charts/${chartName(sub)}`, files, defines);
    }
  }
}

function walk(dir: string, rel: string, visit: (rel: string, text: string) => void): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, `${rel}/${name}`, visit);
    else visit(`${rel}/${name}`, readFileSync(path, 'utf8'));
  }
}

/**
 * One template file's actions, in order: calls outside any define go to the file, calls inside
 * `define "x"` to x (nesting followed through if/range/with/block … end).
 */
function scan(text: string, defines: Map<string, Segment>): Segment {
  const top: Segment = { uses: new Set(), includes: new Set() };
  const stack: (Segment | undefined)[] = []; // one entry per open block; a define's holds its segment
  const current = () => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]) return stack[i] as Segment;
    return top;
  };
  for (const m of text.matchAll(/\{\{-?([\s\S]*?)-?\}\}/g)) {
    const action = (m[1] ?? '').trim();
    if (action.startsWith('/*')) continue; // a comment
    const define = /^define\s+"([^"]+)"/.exec(action);
    if (define?.[1]) {
      const seg = defines.get(define[1]) ?? { uses: new Set(), includes: new Set() };
      defines.set(define[1], seg);
      stack.push(seg);
      continue;
    }
    if (/^(if|range|with|block)\b/.test(action)) stack.push(undefined);
    else if (/^end\b/.test(action)) {
      stack.pop();
      continue;
    }
    const seg = current();
    for (const call of action.matchAll(callPattern)) {
      const v = functions[call[1] ?? ''];
      if (v) seg.uses.add(v);
    }
    for (const inc of action.matchAll(/\b(?:include|template)\s+"([^"]+)"/g))
      if (inc[1]) seg.includes.add(inc[1]);
  }
  return top;
}

const why: Record<Variance, string> = {
  lookup: 'uses lookup: rendered without the cluster here, a deploy reads the live object',
  random: 'uses randomness: every render differs',
  time: 'uses the clock: every render differs',
};

/** One line per object that varies, for a warning under `template` and `diff`. */
export function varyingLines(
  releases: readonly {
    name: string;
    objects: readonly { kind: string; name: string; namespace?: string; varies?: string[] }[];
  }[],
): string[] {
  return releases.flatMap((r) =>
    r.objects
      .filter((o) => o.varies && o.varies.length > 0)
      .map(
        (o) =>
          `${r.name}: ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name} ${(o.varies ?? [])
            .map((v) => why[v as Variance] ?? v)
            .join('; ')}`,
      ),
  );
}
