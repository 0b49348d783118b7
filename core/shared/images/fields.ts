// The image fields a chart declares in its Chart.yaml annotation `runlevel.dev/image-fields` (a
// YAML list of {kind, path, prefix?}): images in custom resources and container args, which no
// generic rule can find. A vendored chart stays byte for byte as upstream made it, so the platform
// team declares its fields beside it instead: charts/<chart>.image-fields.yaml, the same list.
// Read once per chart directory; a malformed declaration stops the render.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { parsePath } from '../field-path.js';
import { parseYaml } from '../yaml/plain.js';
import type { ImageField } from './sites.js';

export const imageFieldsAnnotation = 'runlevel.dev/image-fields';

const cache = new Map<string, ImageField[]>();

/** The declared fields of the chart in `chartDir` (absolute); empty when it declares none. */
export function declaredImageFields(chartDir: string): ImageField[] {
  let fields = cache.get(chartDir);
  if (!fields) {
    const file = join(chartDir, 'Chart.yaml');
    const chart = parseYaml(readFileSync(file, 'utf8')) as { annotations?: Record<string, unknown> } | null;
    fields = parseImageFields(chart?.annotations?.[imageFieldsAnnotation], file);
    const beside = imageFieldsFile(chartDir);
    if (existsSync(beside)) fields = [...fields, ...parseImageFields(readFileSync(beside, 'utf8'), beside)];
    cache.set(chartDir, fields);
  }
  return fields;
}

/** Where a platform team declares the image fields of a chart it vendored unmodified. */
export function imageFieldsFile(chartDir: string): string {
  return join(dirname(chartDir), `${basename(chartDir)}.image-fields.yaml`);
}

/** The annotation's text (a YAML list) as fields; a UserError names the chart file and the entry. */
export function parseImageFields(text: unknown, file: string): ImageField[] {
  if (text === undefined) return [];
  const bad = (why: string) =>
    new UserError(
      `${file}: ${file.endsWith('.image-fields.yaml') ? 'the image fields' : `annotation ${imageFieldsAnnotation}`} ${why}`,
      {
        exitCode: ExitCode.renderFailed,
        hint: 'write it as a YAML list in a string, e.g. |\n    - {kind: Prometheus, path: spec.image}\n    - {kind: Deployment, path: "spec.template.spec.containers[*].args[*]", prefix: "--reloader-image="}',
      },
    );
  if (typeof text !== 'string') throw bad('must be a string holding a YAML list');
  let list: unknown;
  try {
    list = parseYaml(text);
  } catch (err) {
    throw bad(`is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(list)) throw bad('must be a YAML list of {kind, path, prefix?}');
  return list.map((entry, i) => {
    const e = entry as Record<string, unknown> | null;
    if (typeof e?.kind !== 'string' || e.kind === '') throw bad(`entry ${i + 1}: kind must be a string`);
    if (typeof e.path !== 'string' || !parsePath(e.path)) {
      throw bad(`entry ${i + 1}: path must be a field path such as spec.image or spec.containers[*].args[*]`);
    }
    if (e.prefix !== undefined && typeof e.prefix !== 'string') {
      throw bad(`entry ${i + 1}: prefix must be a string`);
    }
    const extra = Object.keys(e).filter((k) => !['kind', 'path', 'prefix'].includes(k));
    if (extra.length > 0) throw bad(`entry ${i + 1}: unknown key ${extra.join(', ')}`);
    return { kind: e.kind, path: e.path, ...(e.prefix ? { prefix: e.prefix } : {}) };
  });
}
