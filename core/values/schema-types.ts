// Generates core/values/types.generated.ts from schemas/values.schema.json, so the TypeScript
// types of the values cannot drift from the schema: a unit test compares the output with the file.
// Regenerate: npx tsc -p . && node dist/core/values/schema-types.js --write
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { coreRoot } from '../shared/paths.js';

export const generatedFile = 'core/values/types.generated.ts';

interface Schema {
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  default?: unknown;
  $defs?: Record<string, Schema>;
}

/** Type name of a $defs entry: its title, else the key in PascalCase. */
function defName(key: string, s: Schema | undefined): string {
  return s?.title ?? key.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}

export function generateTypes(schema: Schema): string {
  const defs = schema.$defs ?? {};
  const refName = (ref: string) => {
    const key = ref.replace('#/$defs/', '');
    return defName(key, defs[key]);
  };

  const typeOf = (s: Schema, indent: string): string => {
    if (s.$ref) return refName(s.$ref);
    if (s.enum) return s.enum.map((v) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v))).join(' | ');
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    if (types.length > 1) return types.map((t) => typeOf({ ...s, type: t }, indent)).join(' | ');
    switch (types[0]) {
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'array': {
        const item = s.items ? typeOf(s.items, indent) : 'unknown';
        return /[|{]/.test(item) ? `Array<${item}>` : `${item}[]`;
      }
      case 'object':
        return objectType(s, indent);
      default:
        return 'unknown';
    }
  };

  const objectType = (s: Schema, indent: string): string => {
    const props = Object.entries(s.properties ?? {});
    const extra = s.additionalProperties;
    if (props.length === 0) {
      if (extra && typeof extra === 'object') {
        const inner = typeOf(extra, `${indent}  `);
        return inner.includes('\n')
          ? `{\n${indent}  [key: string]: ${inner};\n${indent}}`
          : `{ [key: string]: ${inner} }`;
      }
      return 'Record<string, unknown>';
    }
    const inner = `${indent}  `;
    const lines = ['{'];
    for (const [name, p] of props) {
      // Present after defaults are applied when required or defaulted; else optional.
      const always = (s.required ?? []).includes(name) || p.default !== undefined;
      if (p.description) lines.push(`${inner}/** ${p.description} */`);
      const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`;
      lines.push(`${inner}${key}${always ? '' : '?'}: ${typeOf(p, inner)};`);
    }
    lines.push(`${indent}}`);
    return lines.join('\n');
  };

  const out = [
    '// Generated from schemas/values.schema.json by core/values/schema-types.ts: do not edit.',
    '// Regenerate with: npx tsc -p . && node dist/core/values/schema-types.js --write',
    '',
  ];
  const emit = (name: string, s: Schema) => {
    if (s.description) out.push(`/** ${s.description} */`);
    const t = typeOf(s, '');
    out.push(t.startsWith('{\n') ? `export interface ${name} ${t}` : `export type ${name} = ${t};`, '');
  };
  emit('ResolvedValues', { ...schema, $defs: undefined });
  for (const [key, s] of Object.entries(defs)) emit(defName(key, s), s);
  return `${out.join('\n').trimEnd()}\n`;
}

export function generateFromFile(): string {
  const schema = JSON.parse(readFileSync(join(coreRoot, 'schemas/values.schema.json'), 'utf8')) as Schema;
  return generateTypes(schema);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--write')) {
  writeFileSync(join(coreRoot, generatedFile), generateFromFile());
  process.stdout.write(`wrote ${generatedFile}\n`);
}
