// Schemas for editors (yaml-language-server), written into a new values repo under .schemas/.
// One layer file holds only part of the values, so nothing is required there; team and app files
// hold one entry each, so they get small schemas that point into the values schema.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const editorSchemaDir = '.schemas';

export function editorSchemas(valuesSchema: { [key: string]: Json }): Record<string, string> {
  const layer = stripRequired(valuesSchema) as { [key: string]: Json };
  delete layer.$id;
  layer.title = 'runlevel values layer file';
  layer.description =
    'One file of a layer (common/, environments/<env>/, clusters/<cluster>/): its keys merge at the root of the values.';
  const props = layer.properties as { [key: string]: Json };
  props.sops = { description: 'sops metadata (encrypted *.sops.yaml files only)', type: 'object' };
  const ref = (def: string, title: string, description: string) => ({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title,
    description,
    $ref: `values.schema.json#/$defs/${def}`,
  });
  const files = {
    'values.schema.json': layer,
    'team.schema.json': ref('team', 'runlevel team file', 'teams/<team>.yaml: merges under teams.<team>.'),
    'app.schema.json': ref('app', 'runlevel app file', 'apps/<app>.yaml: merges under apps.<app>.'),
    'runlevel.schema.json': {
      ...ref('repoFile', 'runlevel.yaml', 'The core version this values repo pins, and its clusters.'),
      $ref: 'values-full.schema.json#/$defs/repoFile',
    },
    // runlevel.yaml's own schema keeps its required keys: it is one whole file.
    'values-full.schema.json': (() => {
      const full = structuredClone(valuesSchema);
      delete full.$id;
      return full;
    })(),
  };
  return Object.fromEntries(
    Object.entries(files).map(([name, s]) => [name, `${JSON.stringify(s, null, 2)}\n`]),
  );
}

function stripRequired(s: Json): Json {
  if (Array.isArray(s)) return s.map(stripRequired);
  if (s === null || typeof s !== 'object') return s;
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'required' || k === 'minProperties') continue;
    // property maps hold names, not keywords: a property called "required" must survive
    out[k] = k === 'properties' || k === '$defs' ? mapValues(v, stripRequired) : stripRequired(v);
  }
  return out;
}

function mapValues(v: Json, f: (x: Json) => Json): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, f(x)]));
}
