// The vendor record beside each vendored chart (charts/<chart>.vendor.yaml): where the chart came
// from, the archive it was unpacked from, and the digest of every file, so an update is a reviewed
// diff and an edit is caught. Written only by `runlevel charts vendor`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { parseYaml, stringifyYaml } from '../shared/yaml/plain.js';

export interface SubchartRecord {
  /** Inside the parent chart: charts/<name> (unpacked) or charts/<name>-<version>.tgz. */
  path: string;
  name: string;
  version: string;
  /** From the parent's Chart.yaml dependencies, when it names one. */
  repository?: string;
  /** Tree digest of an unpacked sub-chart, sha256 of a packed one. */
  sha256: string;
}

export interface VendorRecord {
  chart: string;
  version: string;
  appVersion?: string;
  /** Where the archive was downloaded from: the chart repository URL or oci:// reference. */
  source: string;
  archive: { file: string; sha256: string };
  tree: { sha256: string };
  subcharts: SubchartRecord[];
  /** sha256 of every file of the chart, by path inside it. */
  files: Record<string, string>;
}

export const recordSuffix = '.vendor.yaml';

const header = [
  '# Written by `runlevel charts vendor`; checked by `runlevel charts verify`, `runlevel check` and',
  '# `runlevel deploy`. The chart beside it is vendored unmodified: review a change of this file like',
  '# code, and never edit it or the chart by hand (docs/charts.md).',
].join('\n');

export function recordPath(chartsDir: string, chart: string): string {
  return join(chartsDir, `${chart}${recordSuffix}`);
}

/** The names of the charts in chartsDir that have a vendor record, sorted. */
export function vendoredNames(chartsDir: string): string[] {
  if (!existsSync(chartsDir)) return [];
  return readdirSync(chartsDir)
    .filter((f) => f.endsWith(recordSuffix))
    .map((f) => f.slice(0, -recordSuffix.length))
    .sort();
}

export function formatRecord(record: VendorRecord): string {
  const { subcharts, files, ...rest } = record;
  const body = { ...rest, ...(subcharts.length > 0 ? { subcharts } : {}), files };
  return `${header}\n${stringifyYaml(body, { lineWidth: 0 })}`;
}

const hex = /^[0-9a-f]{64}$/;

/** Read and check a record; `shown` is its path as the user should see it. */
export function readRecord(file: string, shown: string): VendorRecord {
  const bad = (what: string) =>
    new UserError(`vendor record ${shown} is not valid: ${what}`, {
      exitCode: ExitCode.policyViolations,
      hint: 'records are written by `runlevel charts vendor`: vendor the chart again from its .tgz',
    });
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw bad((err as Error).message.split('\n')[0] ?? 'not YAML');
  }
  if (!isMap(doc)) throw bad('not a YAML map');
  const str = (v: unknown, key: string): string => {
    if (typeof v !== 'string' || v === '') throw bad(`${key} must be a non-empty string`);
    return v;
  };
  const digest = (v: unknown, key: string): string => {
    if (typeof v !== 'string' || !hex.test(v)) throw bad(`${key} must be a sha256 in hex`);
    return v;
  };
  const archive = isMap(doc.archive) ? doc.archive : {};
  const tree = isMap(doc.tree) ? doc.tree : {};
  if (!isMap(doc.files)) throw bad('files must be a map of path to sha256');
  const files: Record<string, string> = {};
  for (const [path, d] of Object.entries(doc.files)) files[path] = digest(d, `files.${path}`);
  const subcharts = Array.isArray(doc.subcharts) ? doc.subcharts : [];
  return {
    chart: str(doc.chart, 'chart'),
    version: str(String(doc.version ?? ''), 'version'),
    ...(doc.appVersion !== undefined ? { appVersion: String(doc.appVersion) } : {}),
    source: str(doc.source, 'source'),
    archive: { file: str(archive.file, 'archive.file'), sha256: digest(archive.sha256, 'archive.sha256') },
    tree: { sha256: digest(tree.sha256, 'tree.sha256') },
    subcharts: subcharts.map((s, i) => {
      const m = isMap(s) ? s : {};
      return {
        path: str(m.path, `subcharts[${i}].path`),
        name: str(m.name, `subcharts[${i}].name`),
        version: str(String(m.version ?? ''), `subcharts[${i}].version`),
        ...(typeof m.repository === 'string' ? { repository: m.repository } : {}),
        sha256: digest(m.sha256, `subcharts[${i}].sha256`),
      };
    }),
    files,
  };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
