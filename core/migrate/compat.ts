// What a schema change breaks for values written against the older schema: a property removed
// (or renamed), a property newly required, a type, enum or bound narrowed, unknown keys closed.
// Each such change needs a migration and a contract bump; the unit test holding the released
// schema (schemas/released/) against today's calls this, so the bump cannot be forgotten.

type Schema = { [key: string]: unknown };

export interface Incompatibility {
  /** Values path, '*' for every key of a map or every item of a list. */
  path: string[];
  kind: 'removed' | 'required' | 'narrowed';
  detail: string;
}

const asSchema = (v: unknown): Schema | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined;

/** The schema with its $ref (within the same document) followed, sibling keywords kept. */
function deref(root: Schema, s: Schema | undefined, seen = 0): Schema | undefined {
  if (!s || typeof s.$ref !== 'string' || seen > 20) return s;
  const m = /^#\/\$defs\/(.+)$/.exec(s.$ref);
  const target = m ? asSchema(asSchema(root.$defs)?.[m[1] as string]) : undefined;
  const { $ref: _ref, ...rest } = s;
  return { ...deref(root, target, seen + 1), ...rest };
}

const types = (s: Schema): string[] | undefined =>
  s.type === undefined ? undefined : ([s.type].flat() as string[]);

/** Every incompatibility of `after` for values valid under `before`, from `at` (a $defs name or the root). */
export function incompatibilities(before: Schema, after: Schema, at?: string): Incompatibility[] {
  const start = (root: Schema) => (at ? asSchema(asSchema(root.$defs)?.[at]) : root);
  const out: Incompatibility[] = [];
  compare(before, after, start(before), start(after), [], out, 0);
  return out;
}

function compare(
  rootA: Schema,
  rootB: Schema,
  rawA: Schema | undefined,
  rawB: Schema | undefined,
  path: string[],
  out: Incompatibility[],
  depth: number,
): void {
  const a = deref(rootA, rawA);
  const b = deref(rootB, rawB);
  if (!a || !b || depth > 30) return;
  const add = (kind: Incompatibility['kind'], detail: string, p = path) =>
    out.push({ path: p, kind, detail });

  const [ta, tb] = [types(a), types(b)];
  if (tb && (!ta || ta.some((t) => !tb.includes(t) && !(t === 'integer' && tb.includes('number')))))
    add('narrowed', `type ${ta?.join('|') ?? 'any'} → ${tb.join('|')}`);
  if (
    Array.isArray(b.enum) &&
    (!Array.isArray(a.enum) || a.enum.some((v) => !(b.enum as unknown[]).includes(v)))
  )
    add('narrowed', `enum ${JSON.stringify(a.enum ?? 'any')} → ${JSON.stringify(b.enum)}`);
  for (const [k, lower] of [
    ['minimum', true],
    ['minLength', true],
    ['minItems', true],
    ['minProperties', true],
    ['maximum', false],
    ['maxLength', false],
    ['maxItems', false],
  ] as const) {
    const [va, vb] = [a[k], b[k]];
    if (typeof vb !== 'number') continue;
    if (typeof va !== 'number' || (lower ? vb > va : vb < va))
      add('narrowed', `${k} ${va ?? 'none'} → ${vb}`);
  }
  for (const k of ['pattern', 'format', 'const'] as const)
    if (b[k] !== undefined && JSON.stringify(a[k]) !== JSON.stringify(b[k]))
      add('narrowed', `${k} ${JSON.stringify(a[k] ?? null)} → ${JSON.stringify(b[k])}`);

  const propsA = asSchema(a.properties) ?? {};
  const propsB = asSchema(b.properties) ?? {};
  const reqA = new Set((a.required as string[] | undefined) ?? []);
  for (const k of (b.required as string[] | undefined) ?? [])
    if (!reqA.has(k)) add('required', `${k} is required now`, [...path, k]);
  const closedB = b.additionalProperties === false;
  for (const k of Object.keys(propsA)) {
    if (!(k in propsB)) {
      // A key the new schema still takes through additionalProperties is not removed.
      const open = asSchema(b.additionalProperties);
      if (closedB || !open) add('removed', `${k} is no longer a property`, [...path, k]);
      else compare(rootA, rootB, asSchema(propsA[k]), open, [...path, k], out, depth + 1);
      continue;
    }
    compare(rootA, rootB, asSchema(propsA[k]), asSchema(propsB[k]), [...path, k], out, depth + 1);
  }
  if (closedB && a.additionalProperties !== false && a.additionalProperties !== undefined)
    add('narrowed', 'unknown keys are refused now');
  const addA = asSchema(a.additionalProperties);
  const addB = asSchema(b.additionalProperties);
  if (addA && addB) compare(rootA, rootB, addA, addB, [...path, '*'], out, depth + 1);
  const itemsA = asSchema(a.items);
  const itemsB = asSchema(b.items);
  if (itemsA && itemsB) compare(rootA, rootB, itemsA, itemsB, [...path, '*'], out, depth + 1);
}
