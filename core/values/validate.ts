// Schema validation with ajv (JSON Schema 2020-12, all errors, formats, defaults applied), and the
// translation of ajv's errors into problems that point at the file, line and column that set a value.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { closest } from '../shared/edit-distance.js';
import type { Problem } from '../shared/errors.js';
import { coreRoot } from '../shared/paths.js';
import { readChartSchemas, withChartSchemas } from './chart-schemas.js';
import { dotted, type Origin, type Origins, parsePointer, pointer } from './model.js';
import { problemAt, type Texts } from './problems.js';
import type { ResolvedValues, RunlevelFile } from './types.generated.js';

export const schemaFile = 'schemas/values.schema.json';

/**
 * The validators are type guards for the types generated from the same schema
 * (types.generated.ts): a value they pass is a ResolvedValues or a RunlevelFile.
 */
interface Validators {
  values: ValidateFunction<ResolvedValues>;
  repoFile: ValidateFunction<RunlevelFile>;
  schema: Record<string, unknown>;
}

let cached: Validators | undefined;

/**
 * The schema ships with the code, so checking it against the 2020-12 meta-schema on every run (which
 * compiles the meta-schema, half of ajv's start-up) is left to test/unit/values/schema-meta.test.ts;
 * so is ajv's code optimiser, which costs more start-up than it saves on one validation.
 */
export const ajvOptions = {
  allErrors: true,
  useDefaults: true,
  verbose: true,
  strict: true,
  allowUnionTypes: true,
} as const;

/** Compiled once per process: compiling is the slow part of ajv. */
export function validators(): Validators {
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(join(coreRoot, schemaFile), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020({ ...ajvOptions, validateSchema: false, code: { optimize: false } });
  // Library boundary: ajv-formats is CommonJS, and under NodeNext its default import is typed as
  // the module object although at run time it is the plugin function itself.
  const addFormats = addFormatsModule as unknown as (a: Ajv2020, formats: string[]) => void;
  addFormats(ajv, ['hostname', 'email', 'uri']);
  // Added charts' values schemas (schemas/charts/<release>.schema.json) check charts.<release>.
  const values = ajv.compile<ResolvedValues>(withChartSchemas(ajv, schema, readChartSchemas()));
  const repoFile = ajv.getSchema<RunlevelFile>(`${String(schema.$id)}#/$defs/repoFile`);
  if (!repoFile) throw new Error('values schema has no $defs/repoFile');
  cached = { values, repoFile, schema };
  return cached;
}

export interface Located {
  origins: Origins;
  texts: Texts;
}

/**
 * The origin set by a user's file nearest to ptr: the node itself, else its closest ancestor.
 * Points at the key (`image:`) rather than the value when the problem is about a whole map, or
 * when only an ancestor is known.
 */
export function locate(
  origins: Origins,
  ptr: string,
  preferKey = false,
): { origin: Origin | undefined; exact: boolean } {
  const path = parsePointer(ptr);
  for (let n = path.length; n >= 0; n--) {
    const o = origins.get(pointer(path.slice(0, n)));
    if (!o || o.layer === 'defaults') continue;
    const exact = n === path.length;
    return { origin: o.key && (preferKey || !exact) ? { ...o, ...o.key } : o, exact };
  }
  return { origin: undefined, exact: false };
}

/** One problem per meaningful ajv error (wrappers such as propertyNames are dropped). */
export function schemaProblems(errors: readonly ErrorObject[], at: Located): Problem[] {
  const problems: Problem[] = [];
  for (const e of errors) {
    const p = toProblem(e, at);
    if (p) problems.push(p);
  }
  return problems;
}

function toProblem(e: ErrorObject, at: Located): Problem | undefined {
  const path = parsePointer(e.instancePath);
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const description = typeof parent.description === 'string' ? parent.description : undefined;
  const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;

  if (e.keyword === 'propertyNames' || e.keyword === 'if') return undefined;
  if (propertyName !== undefined) {
    const ptr = pointer([...path, propertyName]);
    const o = at.origins.get(ptr);
    const where = o?.key ? { ...o, ...o.key } : (o ?? locate(at.origins, e.instancePath).origin);
    return problemAt(
      at.texts,
      where,
      `"${propertyName}" is not a valid name: ${lowerFirst(description ?? e.message ?? '')}`,
      {
        path: dotted([...path, propertyName]),
        hint: "use lower-case letters, digits and '-'",
      },
    );
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const o = at.origins.get(pointer([...path, key]));
      const where = o?.key ? { ...o, ...o.key } : (o ?? locate(at.origins, e.instancePath).origin);
      const known = Object.keys((parent.properties as Record<string, unknown>) ?? {});
      const guess = closest(key, known);
      return problemAt(at.texts, where, `unknown key "${key}"`, {
        path: dotted([...path, key]),
        hint: guess
          ? `did you mean "${guess}"?`
          : known.length
            ? `known keys here: ${known.join(', ')}`
            : undefined,
      });
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      const { origin } = locate(at.origins, e.instancePath, true);
      const props = (parent.properties ?? {}) as Record<string, { description?: string }>;
      const what = props[missing]?.description;
      // cluster: is created from runlevel.yaml; its settings belong in a layer file
      const where = origin?.layer === 'repo' ? ' in a layer file, e.g. clusters/<cluster>/settings.yaml' : '';
      return problemAt(at.texts, origin, `missing required key "${missing}"`, {
        path: dotted(path),
        hint: `add ${missing} to ${dotted(path)}${where}${what ? ` (${lowerFirst(what).replace(/\.$/, '')})` : ''}`,
      });
    }
    case 'type': {
      const want = String((e.params as { type: string | string[] }).type)
        .split(',')
        .map(article)
        .join(' or ');
      const { origin } = locate(at.origins, e.instancePath);
      const got = typeName(e.data);
      const quote = want.includes('string') && (got === 'a number' || got === 'a boolean');
      return problemAt(at.texts, origin, `must be ${want}, not ${got}`, {
        path: dotted(path),
        hint: quote ? 'put the value in quotes to make it a string, e.g. "1.27"' : undefined,
      });
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const { origin } = locate(at.origins, e.instancePath);
      const guess = typeof e.data === 'string' ? closest(e.data, allowed) : undefined;
      return problemAt(at.texts, origin, `must be one of: ${allowed.join(', ')}`, {
        path: dotted(path),
        hint: guess ? `did you mean "${guess}"?` : undefined,
      });
    }
    case 'pattern': {
      const { origin } = locate(at.origins, e.instancePath);
      const message = description
        ? `must be ${lowerFirst(description.replace(/\.$/, ''))}`
        : `must match ${String((e.params as { pattern: string }).pattern)}`;
      return problemAt(at.texts, origin, message, { path: dotted(path) });
    }
    case 'format': {
      const { origin } = locate(at.origins, e.instancePath);
      const format = String((e.params as { format: string }).format);
      return problemAt(at.texts, origin, `must be a valid ${format}`, { path: dotted(path) });
    }
    case 'minimum':
    case 'maximum': {
      const { origin } = locate(at.origins, e.instancePath);
      const limit = (e.params as { limit: number }).limit;
      const bound = e.keyword === 'minimum' ? 'at least' : 'at most';
      const other = e.keyword === 'minimum' ? parent.maximum : parent.minimum;
      return problemAt(at.texts, origin, `must be ${bound} ${limit}, not ${String(e.data)}`, {
        path: dotted(path),
        hint:
          typeof other === 'number'
            ? `allowed: ${String(parent.minimum ?? other)} to ${String(parent.maximum ?? other)}`
            : undefined,
      });
    }
    case 'minProperties':
      return problemAt(at.texts, locate(at.origins, e.instancePath, true).origin, 'must not be empty', {
        path: dotted(path),
      });
    default:
      return problemAt(
        at.texts,
        locate(at.origins, e.instancePath).origin,
        e.message ?? `fails ${e.keyword}`,
        {
          path: dotted(path),
        },
      );
  }
}

function article(type: string): string {
  const t = type.trim();
  return t === 'integer' || t === 'object' || t === 'array' ? `an ${t}` : t === 'null' ? 'null' : `a ${t}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'number') return 'a number';
  return `a ${typeof v}`;
}

function lowerFirst(s: string): string {
  return /^[A-Z](?![A-Z0-9-])/.test(s) ? s[0]?.toLowerCase() + s.slice(1) : s;
}
