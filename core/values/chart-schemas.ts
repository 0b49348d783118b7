// Schema fragments for the values of added charts: schemas/charts/<release>.schema.json in the core
// (an image built FROM runlevel adds them beside its charts, docs/charts.md) checks
// charts.<release> at validate time, before any render, without an edit of values.schema.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { UserError } from '../shared/errors.js';
import { coreRoot } from '../shared/paths.js';

export const chartSchemasDir = 'schemas/charts';
const fragmentName = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.schema\.json$/;

/** The fragments by release name, read from root/schemas/charts/. */
export function readChartSchemas(root = coreRoot): Map<string, Record<string, unknown>> {
  const dir = join(root, chartSchemasDir);
  const out = new Map<string, Record<string, unknown>>();
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir).sort()) {
    const shown = `${chartSchemasDir}/${file}`;
    const release = fragmentName.exec(file)?.[1];
    if (!release) {
      throw new UserError(`${shown}: not a chart values schema name`, {
        hint: 'name it <release>.schema.json after the release whose values (charts.<release>) it checks',
      });
    }
    let fragment: unknown;
    try {
      fragment = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (err) {
      throw new UserError(`${shown} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof fragment !== 'object' || fragment === null || Array.isArray(fragment)) {
      throw new UserError(`${shown} is not a JSON schema (an object)`);
    }
    out.set(release, fragment as Record<string, unknown>);
  }
  return out;
}

/**
 * Register each fragment with ajv under its own $id (so its own `$ref`s resolve inside it) and
 * return the values schema with `charts.<release>` pointing at it. The values schema is not changed.
 */
export function withChartSchemas(
  ajv: Ajv2020,
  schema: Record<string, unknown>,
  fragments: ReadonlyMap<string, Record<string, unknown>>,
): Record<string, unknown> {
  if (fragments.size === 0) return schema;
  const properties: Record<string, unknown> = {};
  for (const [release, fragment] of fragments) {
    const id = new URL(`charts/${release}.schema.json`, String(schema.$id)).href;
    // A fragment may start from a chart's draft-07 schema: the dialect is the values schema's.
    const { $schema: _dialect, ...body } = fragment;
    try {
      ajv.addSchema({ ...body, $id: id });
      ajv.getSchema(id); // compiles now, so a broken fragment is named here
    } catch (err) {
      throw new UserError(
        `${chartSchemasDir}/${release}.schema.json is not a valid schema: ${(err as Error).message}`,
        {
          hint: 'it is JSON Schema 2020-12, checked in strict mode: remove keywords JSON Schema does not define',
        },
      );
    }
    properties[release] = { $ref: id };
  }
  const top = schema.properties as Record<string, Record<string, unknown>>;
  const charts = top.charts ?? {};
  return {
    ...schema,
    properties: {
      ...top,
      charts: { ...charts, properties: { ...((charts.properties as object) ?? {}), ...properties } },
    },
  };
}
