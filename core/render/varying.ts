// Which rendered objects are not repeatable: their templates call `lookup` (helm template renders
// it empty, a deploy reads the live object, so template and diff show something the deploy will
// not do) or a random, key-generating or clock function (every render differs). Found by reading the
// chart's templates, not by rendering twice: a second render doubles the cost of every render, and
// still cannot see lookup, which is empty both times. The scan follows `include`/`template` through
// `define`d helpers, across the chart and its sub-charts (helper names are global in a chart).
// Calls are read from the actions' tokens (template-lexer.ts), so a function's name in a string
// or a comment is none; the key paths the varying actions write (template-paths.ts) let a diff
// compare everything else of such an object.
import { isAbsolute, join } from 'node:path';
import { coreRoot } from '../shared/paths.js';
import { blockWords, chartTemplates, type Template } from './chart-templates.js';
import type { Action, Token } from './template-lexer.js';
import type { LinePath } from './template-paths.js';

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

/** An action that writes text, at the key path of its line. */
interface Output {
  at: LinePath;
  direct: Set<Variance>; // its own calls, varying variables and enclosing varying conditions
  includes: Set<string>;
}

interface Segment {
  uses: Set<Variance>;
  includes: Set<string>;
  outputs: Output[];
}

interface TemplateFile {
  source: string; // as helm's `# Source:` names it: <chart>/templates/x.yaml, <chart>/charts/<sub>/templates/y.yaml
  rendered: boolean; // helm renders it (its name does not start with _)
  top: Segment; // outside any define
}

/** Why objects of one template source vary, and the key paths the varying parts write. */
export interface VaryingSource {
  varies: Variance[];
  /** Key paths (from the object's root, or a suffix of one) written by a varying action. */
  fields: string[][];
}

const cache = new Map<string, Map<string, VaryingSource>>();

/** helm's `# Source:` path → why objects rendered from it vary; only the sources that vary. */
export function varyingSources(chartDir: string): Map<string, Variance[]> {
  return new Map([...varyingTemplates(chartDir)].map(([k, v]) => [k, v.varies]));
}

/** helm's `# Source:` path → why its objects vary and which of their fields; only those that vary. */
export function varyingTemplates(chartDir: string): Map<string, VaryingSource> {
  const known = cache.get(chartDir);
  if (known) return known;
  const defines = new Map<string, Segment>();
  const files: TemplateFile[] = [...chartTemplates(chartDir).files].map(([source, template]) => {
    const base = source.split('/').pop() ?? source;
    return {
      source,
      rendered: !base.startsWith('_') && !source.endsWith('NOTES.txt'),
      top: scan(template, defines),
    };
  });
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
  const fieldsOf = (seg: Segment, seen: Set<string>): string[][] =>
    seg.outputs.flatMap((o) => {
      const via = [...o.includes].filter((n) => (resolved.get(n)?.size ?? 0) > 0 && !seen.has(n));
      if (o.direct.size === 0 && via.length === 0) return [];
      // A line of its own under a key (`{{ include "x" . | nindent 2 }}`) writes the define's keys there.
      const inner = o.at.keyed
        ? []
        : via.flatMap((n) => fieldsOf(defines.get(n) as Segment, new Set([...seen, n])));
      if (o.direct.size === 0 && inner.length > 0) return inner.map((f) => [...o.at.path, ...f]);
      return [o.at.path, ...inner.map((f) => [...o.at.path, ...f])];
    });
  const result = new Map<string, VaryingSource>();
  for (const f of files) {
    if (!f.rendered) continue;
    const v = resolve(f.top, new Set());
    if (v.size === 0) continue;
    // An empty path is the whole object: no field to leave out, so the object's differences all count.
    const fields = uniquePaths(fieldsOf(f.top, new Set()).filter((p) => p.length > 0));
    result.set(f.source, { varies: [...v].sort(), fields });
  }
  cache.set(chartDir, result);
  return result;
}

/** varyingTemplates of a release's chart, as the render names it (relative to the core). */
export function varyingOfChart(chartPath: string): Map<string, VaryingSource> {
  return varyingTemplates(isAbsolute(chartPath) ? chartPath : join(coreRoot, chartPath));
}

function uniquePaths(paths: string[][]): string[][] {
  const seen = new Map(paths.map((p) => [JSON.stringify(p), p]));
  return [...seen.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The variance of a call of this token's function (own keys only: `toString` is a template function too). */
function variesBy(t: Token): Variance | undefined {
  return t.kind === 'word' && Object.hasOwn(functions, t.text) ? functions[t.text] : undefined;
}

interface Scope {
  seg: Segment | undefined; // a define's segment; undefined for if/range/with/block
  varies: Set<Variance>; // the condition's variance (if/with/range), inherited by what is inside
  vars: Map<string, Carried>; // variables declared in it and what they carry
}

interface Carried {
  varies: Set<Variance>;
  includes: Set<string>; // `$x := include "y" .`: whether y varies is known once every define is read
}

/**
 * One template file's actions, in order: calls outside any define go to the file, calls inside
 * `define "x"` to x (nesting followed through if/range/with/block … end). Variables assigned from
 * a varying call carry its variance to where they are written.
 */
function scan(template: Template, defines: Map<string, Segment>): Segment {
  const top: Segment = { uses: new Set(), includes: new Set(), outputs: [] };
  const { actions, paths } = template;
  const stack: Scope[] = [{ seg: top, varies: new Set(), vars: new Map() }];
  const current = (): Segment => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]?.seg) return stack[i]?.seg as Segment;
    return top;
  };
  const carried = (tokens: Action['tokens']): Carried => {
    const out: Carried = { varies: new Set(), includes: new Set() };
    for (const s of stack) for (const v of s.varies) out.varies.add(v);
    tokens.forEach((t, i) => {
      const next = tokens[i + 1];
      const called = variesBy(t);
      if (called) out.varies.add(called);
      if (t.kind === 'word' && (t.text === 'include' || t.text === 'template') && next?.kind === 'string')
        out.includes.add(next.text);
      if (t.kind !== 'var') return;
      for (const s of stack) {
        const c = s.vars.get(t.text);
        for (const v of c?.varies ?? []) out.varies.add(v);
        for (const n of c?.includes ?? []) out.includes.add(n);
      }
    });
    return out;
  };
  for (const a of actions) {
    const t = a.tokens;
    const first = t[0]?.text ?? '';
    if (first === 'define' && t[1]?.kind === 'string') {
      const seg = defines.get(t[1].text) ?? { uses: new Set(), includes: new Set(), outputs: [] };
      defines.set(t[1].text, seg);
      stack.push({ seg, varies: new Set(), vars: new Map() });
      continue;
    }
    if (first === 'end') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const seg = current();
    const here = carried(t);
    for (const tok of t) {
      const called = variesBy(tok);
      if (called) seg.uses.add(called);
    }
    for (const n of here.includes) seg.includes.add(n);
    const declared = t.findIndex((tok) => tok.text === ':=' || tok.text === '=');
    const scopeOfVars = stack[stack.length - 1] as Scope;
    if (blockWords.has(first) || (first === 'else' && t.length > 1)) {
      if (first === 'else') stack.pop();
      stack.push({ seg: undefined, varies: here.varies, vars: new Map() });
    }
    if (declared > 0) {
      // `$x := …`, `range $i, $v := …`: the variables carry what the pipeline after them carries.
      const value = carried(t.slice(declared + 1));
      const scope = blockWords.has(first) ? (stack[stack.length - 1] as Scope) : scopeOfVars;
      for (const tok of t.slice(0, declared)) if (tok.kind === 'var') scope.vars.set(tok.text, value);
      continue;
    }
    if (blockWords.has(first) || first === 'else') continue;
    seg.outputs.push({
      at: paths.get(a.line) ?? { path: [], keyed: false },
      direct: here.varies,
      includes: here.includes,
    });
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
