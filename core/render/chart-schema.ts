// Words for a chart's values.schema.json failures that helm reports only by keyword: `'not'
// failed` says nothing of what is not allowed, so it is looked up in the chart's schema and said.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Schema = { [key: string]: unknown };

/** The violation's message, with `'not' failed` replaced by what the schema forbids there. */
export function explainViolation(chartDir: string, pointer: string, message: string): string {
  if (message.trim() !== "'not' failed") return message;
  const forbidden = schemaAt(chartDir, pointer)?.not;
  return isSchema(forbidden) ? mustNot(forbidden) : 'is a value the chart does not allow here';
}

function mustNot(s: Schema): string {
  if ('const' in s) return `must not be ${JSON.stringify(s.const)}`;
  if (Array.isArray(s.enum)) return `must not be any of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (typeof s.pattern === 'string') return `must not match ${s.pattern}`;
  if (Array.isArray(s.required)) return `must not set ${s.required.join(', ')}`;
  return `must not match ${JSON.stringify(s)}`;
}

/** The sub-schema that applies at a JSON pointer into the values, following $ref; undefined if unknown. */
function schemaAt(chartDir: string, pointer: string): Schema | undefined {
  let root: unknown;
  try {
    root = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isSchema(root)) return undefined;
  const deref = (node: unknown): Schema | undefined => {
    let n = node;
    for (let hops = 0; isSchema(n) && typeof n.$ref === 'string' && hops < 20; hops++) {
      const [, ...path] = n.$ref.replace(/^#/, '').split('/');
      n = path.reduce<unknown>((at, key) => (isSchema(at) ? at[key] : undefined), root);
    }
    return isSchema(n) ? n : undefined;
  };
  let node = deref(root);
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const props = node?.properties;
    const next =
      (isSchema(props) ? props[key] : undefined) ??
      (isSchema(node?.additionalProperties) ? node.additionalProperties : undefined) ??
      node?.items;
    node = deref(next);
    if (!node) return undefined;
  }
  return node;
}

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
