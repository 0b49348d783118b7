// Which values an image field's template reads: the actions on the lines that write the field
// (render/template-paths.ts), followed through variables, `with` and `range` scopes (an item reads
// `/list/*/field`), `include` and `template` of helpers with the context they are given (`.`,
// `dict`, `tuple`/`list`, `index`), to `.Values` paths and `.Chart.AppVersion`. Symbolic, not a
// renderer: every branch is read; origins.ts keeps the reads whose value the reference holds.
import { blockWords, type ChartTemplates, type Template } from '../render/chart-templates.js';
import type { Action, Token } from '../render/template-lexer.js';
import { dotOf, element, field, opaque, path, type Scope, type Sym } from './template-sym.js';

/** A value the template reads: a `.Values` pointer of the chart whose template it is, or its appVersion. */
export type Read = { values: string } | { appVersion: true };

/**
 * The reads of the actions that write a field whose key path ends with `keys` (list items are
 * see-through: [spec, template, spec, containers, image]) in one rendered template.
 */
export function fieldReads(chart: ChartTemplates, source: string, keys: readonly string[]): Read[] {
  const file = chart.files.get(source);
  if (!file) return [];
  const reads: Read[] = [];
  const tracer = new Tracer(chart, keys, reads);
  tracer.walk(file, 0, file.actions.length, { root: true }, false, 0);
  const seen = new Set<string>();
  return reads.filter((r) => {
    const k = JSON.stringify(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

class Tracer {
  private visited = new Set<string>();
  private made = new Map<string, Read[]>();
  constructor(
    private chart: ChartTemplates,
    private keys: readonly string[],
    private reads: Read[],
  ) {}

  /** Walk actions [from, to) of a template with `dot`; `all`: every output counts (a helper the field line calls). */
  walk(t: Template, from: number, to: number, dot: Sym, all: boolean, depth: number): void {
    const scopes: Scope[] = [{ dot, vars: new Map([['$', dot]]) }];
    const top = () => scopes[scopes.length - 1] as Scope;
    for (let i = from; i < to; i++) {
      const a = t.actions[i] as Action;
      const toks = a.tokens;
      const first = toks[0]?.text ?? '';
      if (first === 'define') {
        i = this.skipDefine(t, i);
        continue;
      }
      if (first === 'end') {
        if (scopes.length > 1) scopes.pop();
        continue;
      }
      const declared = toks.findIndex((k) => k.text === ':=' || k.text === '=');
      const body = blockWords.has(first) || first === 'else' ? toks.slice(first === 'else' ? 2 : 1) : toks;
      const pipe = declared >= 0 ? toks.slice(declared + 1) : body;
      const value = this.pipeline(pipe, scopes, depth);
      if (first === 'else' && scopes.length > 1) scopes.pop();
      if (blockWords.has(first) || first === 'else') {
        const word = first === 'else' ? (toks[1]?.text ?? 'if') : first;
        const inner = word === 'with' ? value : word === 'range' ? element(value) : top().dot;
        scopes.push({ dot: first === 'else' && word === 'if' ? top().dot : inner, vars: new Map() });
      }
      if (declared >= 0) {
        const names = toks.slice(blockWords.has(first) ? 1 : 0, declared).filter((k) => k.kind === 'var');
        const last = names[names.length - 1];
        // `range $key, $item :=`: the key is no values line of its own; the item is one (ITEM).
        for (const n of names)
          top().vars.set(n.text, first !== 'range' ? value : n === last ? element(value) : { of: [] });
        continue;
      }
      if (blockWords.has(first) || first === 'else') continue;
      const writes = all || this.writesField(t, a.line);
      if (writes) this.collect(value);
      else this.follow(toks, scopes, depth); // a helper called here may write the field in its own lines
    }
  }

  private skipDefine(t: Template, i: number): number {
    let depth = 0;
    for (let j = i; j < t.actions.length; j++) {
      const w = t.actions[j]?.tokens[0]?.text ?? '';
      if (w === 'define' || blockWords.has(w)) depth++;
      else if (w === 'end' && --depth === 0) return j;
    }
    return t.actions.length;
  }

  private writesField(t: Template, line: number): boolean {
    // `image: …` itself, or an item of a list the field is (`- --reloader-image={{ … }}` under args:).
    const at = t.paths.get(line);
    if (!at || at.path.length === 0) return false;
    const n = Math.min(at.path.length, this.keys.length);
    return at.path.slice(-n).every((k, i) => k === '*' || k === this.keys[this.keys.length - n + i]);
  }

  private collect(sym: Sym): void {
    if ('values' in sym) this.reads.push({ values: sym.values });
    else if ('appVersion' in sym) this.reads.push({ appVersion: true });
    else if ('of' in sym) for (const s of sym.of) this.collect(s);
    else if ('list' in sym) for (const s of sym.list) this.collect(s);
  }

  /** Helpers included by an action that does not write the field: their own lines may. */
  private follow(toks: readonly Token[], scopes: Scope[], depth: number): void {
    toks.forEach((k, i) => {
      if (k.kind !== 'word' || (k.text !== 'include' && k.text !== 'template')) return;
      const name = toks[i + 1];
      if (name?.kind !== 'string') return;
      const arg = this.operand(toks, i + 2, scopes, depth).sym;
      this.callDefine(name.text, arg, false, depth);
    });
  }

  private callDefine(name: string, dot: Sym, all: boolean, depth: number): void {
    const d = this.chart.defines.get(name);
    const key = `${name} ${all} ${JSON.stringify(dot)}`;
    if (!d || depth > 12 || this.visited.has(key)) return;
    this.visited.add(key);
    this.walk(d.template, d.from, d.to, dot, all, depth + 1);
  }

  /** What a helper writes, given `dot`: the reads of every output of it (remembered per argument). */
  private output(name: string, dot: Sym, depth: number): Read[] {
    const key = `${name} ${JSON.stringify(dot)}`;
    const known = this.made.get(key);
    if (known) return known;
    this.made.set(key, []); // a helper that includes itself reads nothing more the second time
    const before = this.reads.length;
    this.callDefine(name, dot, true, depth);
    const made = this.reads.splice(before);
    this.made.set(key, made);
    return made;
  }

  /** A pipeline's value: commands joined by `|`, each getting the one before as its last argument. */
  private pipeline(toks: readonly Token[], scopes: Scope[], depth: number): Sym {
    let piped: Sym | undefined;
    let start = 0;
    let level = 0;
    const commands: (readonly Token[])[] = [];
    toks.forEach((k, i) => {
      if (k.text === '(') level++;
      else if (k.text === ')') level--;
      else if (k.text === '|' && level === 0) {
        commands.push(toks.slice(start, i));
        start = i + 1;
      }
    });
    commands.push(toks.slice(start));
    for (const c of commands) piped = this.command(c, scopes, depth, piped);
    return piped ?? { of: [] };
  }

  private command(toks: readonly Token[], scopes: Scope[], depth: number, piped: Sym | undefined): Sym {
    const args: Sym[] = [];
    const head = toks[0];
    let i = head?.kind === 'word' ? 1 : 0;
    while (i < toks.length) {
      const o = this.operand(toks, i, scopes, depth);
      args.push(o.sym);
      i = o.next;
    }
    if (piped) args.push(piped);
    if (head?.kind !== 'word') return args.length === 1 ? (args[0] as Sym) : { of: args };
    switch (head.text) {
      case 'dict': {
        const fields: Record<string, Sym> = {};
        for (let k = 1; k + 1 < toks.length; k++) {
          const key = toks[k];
          if (key?.kind !== 'string') continue;
          const o = this.operand(toks, k + 1, scopes, depth);
          fields[key.text] = o.sym;
          k = o.next - 1;
        }
        return { dict: fields };
      }
      case 'list':
      case 'tuple':
        return { list: args };
      case 'index': {
        let sym = args[0] ?? { of: [] };
        for (const k of toks
          .slice(1)
          .filter((t) => t.kind === 'string' || t.kind === 'number')
          .slice(0)) {
          sym =
            k.kind === 'number' && 'list' in sym
              ? (sym.list[Number(k.text)] ?? { of: [] })
              : field(sym, k.text);
        }
        return sym;
      }
      case 'include':
      case 'template': {
        const name = toks[1];
        if (name?.kind !== 'string') return { of: [] };
        const arg = this.operand(toks, 2, scopes, depth).sym;
        const made = this.output(name.text, arg, depth);
        return { of: made.map((r) => ('values' in r ? { values: r.values } : { appVersion: true })) };
      }
      case 'default':
        // `default FALLBACK GIVEN`: GIVEN when it is set; origins.ts tries the reads in this order.
        return { of: [...args.slice(-1), ...args.slice(0, -1)] };
      case 'required':
        return args[args.length - 1] ?? { of: [] };
      default:
        return opaque.has(head.text) ? { of: [] } : { of: args };
    }
  }

  /** One operand at `i`: a field, variable, literal or parenthesised pipeline, with glued `.field`s. */
  private operand(
    toks: readonly Token[],
    i: number,
    scopes: Scope[],
    depth: number,
  ): { sym: Sym; next: number } {
    const k = toks[i];
    if (!k) return { sym: { of: [] }, next: i + 1 };
    let sym: Sym;
    let next = i + 1;
    if (k.text === '(') {
      let level = 1;
      let j = i + 1;
      for (; j < toks.length && level > 0; j++) {
        if (toks[j]?.text === '(') level++;
        else if (toks[j]?.text === ')') level--;
      }
      sym = this.pipeline(toks.slice(i + 1, j - 1), scopes, depth);
      next = j;
    } else if (k.kind === 'field') {
      sym = k.text === '.' ? dotOf(scopes) : path(dotOf(scopes), k.text);
    } else if (k.kind === 'var') {
      sym = { of: [] };
      for (let s = scopes.length - 1; s >= 0; s--) {
        const v = scopes[s]?.vars.get(k.text);
        if (v) {
          sym = v;
          break;
        }
      }
      if (k.text === '$' && !scopes.some((s) => s.vars.has('$'))) sym = { root: true };
    } else sym = { of: [] };
    while (toks[next]?.kind === 'field' && toks[next]?.glued) {
      sym = path(sym, toks[next]?.text ?? '');
      next++;
    }
    return { sym, next };
  }
}
