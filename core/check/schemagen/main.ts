// `make k8s-schemas` (tools/k8s-schemas.sh) ends here: the fetched /openapi/v2 document is
// converted into schemas/k8s/v<minor>/, replacing what was there, plus an index.json that
// records where the files came from.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log } from '../../shared/log.js';
import { apiVersionOf, kindSchemasFromOpenApi } from './openapi.js';

const { values } = parseArgs({
  options: { openapi: { type: 'string' }, out: { type: 'string' }, kubernetes: { type: 'string' } },
});
if (!values.openapi || !values.out || !values.kubernetes) {
  throw new Error('usage: main.js --openapi FILE --out DIR --kubernetes vX.Y.Z');
}

const raw = await readFile(values.openapi);
const kinds = kindSchemasFromOpenApi(JSON.parse(raw.toString('utf8')));
await mkdir(values.out, { recursive: true });
for (const old of await readdir(values.out)) if (old.endsWith('.json')) await rm(join(values.out, old));

let bytes = 0;
for (const k of kinds) {
  const text = `${JSON.stringify(k.schema, null, 1)}\n`; // one key a line: reviewable diffs
  bytes += text.length;
  await writeFile(join(values.out, k.file), text);
}
const index = {
  generatedFrom: `kube-apiserver ${values.kubernetes} /openapi/v2`,
  openapiSha256: createHash('sha256').update(raw).digest('hex'),
  strict: true,
  kinds: kinds.map((k) => ({ apiVersion: apiVersionOf(k.gvk), kind: k.gvk.kind, file: k.file })),
};
await writeFile(join(values.out, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
log.done(`${kinds.length} kind schemas (${(bytes / 1e6).toFixed(1)} MB) in ${values.out}`);
