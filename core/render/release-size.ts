// helm keeps every revision of a release in one Secret (sh.helm.release.v1.<name>.v<n>) whose data
// the API server caps at 1 MiB. What it stores is base64(gzip(JSON of the release)), and the release
// carries the chart's own files (templates, values, schema, other files; sub-charts are not stored),
// the user values, the rendered manifest and the hooks. A release over the cap used to fail late,
// mid-deploy, with the API server's raw "Too long" error; this estimates the stored size the way
// helm builds it, before anything is changed, and names the biggest objects.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';
import { coreRoot } from '../shared/paths.js';
import { objectHeader } from '../shared/yaml/object-header.js';
import { parseYaml } from '../shared/yaml/plain.js';
import { helmDocuments } from './manifests.js';

/** The API server's limit on a Secret's data (MaxSecretSize), which the release Secret must fit. */
export const helmReleaseLimit = 1024 * 1024;

export interface SizedRelease {
  runlevel: string;
  name: string;
  namespace: string;
  manifest: string;
  values: Record<string, unknown>;
  chart: { path: string };
}

/** Bytes of the release Secret's data: key `release` and base64(gzip -9 (release JSON)). */
export function storedReleaseBytes(r: SizedRelease): number {
  const docs = helmDocuments(r.manifest);
  const isHook = (text: string) => /^\s+["']?helm\.sh\/hook["']?:/m.test(text);
  const release = {
    name: r.name,
    info: {
      first_deployed: '2006-01-02T15:04:05.999999999Z',
      last_deployed: '2006-01-02T15:04:05.999999999Z',
      deleted: '',
      description: 'Upgrade complete',
      status: 'deployed',
    },
    chart: storedChart(chartDirOf(r.chart.path)),
    config: r.values,
    manifest: docs
      .filter((d) => !isHook(d.text))
      .map((d) => d.text)
      .join(''),
    hooks: docs
      .filter((d) => isHook(d.text))
      .map((d) => ({ name: '', kind: '', path: d.source, manifest: d.text, events: [], last_run: {} })),
    version: 1,
    namespace: r.namespace,
  };
  const gz = gzipSync(Buffer.from(goJson(release)), { level: 9 });
  return 'release'.length + 4 * Math.ceil(gz.length / 3);
}

/** Every release's estimate; over the limit is an error naming its biggest objects, near it a warning. */
export function checkReleaseSizes(releases: readonly SizedRelease[]): void {
  const problems = [];
  for (const r of releases) {
    const bytes = storedReleaseBytes(r);
    const share = bytes / helmReleaseLimit;
    if (share > 1) {
      problems.push({
        message: `release ${r.name} (runlevel ${r.runlevel}) would take about ${mib(bytes)} in helm's release Secret, over its ${mib(helmReleaseLimit)} limit. Biggest objects: ${biggest(r).join(', ')}`,
      });
    } else if (share > 0.8) {
      log.warn(
        `release ${r.name} (runlevel ${r.runlevel}) takes about ${mib(bytes)} of helm's ${mib(helmReleaseLimit)} release Secret limit (${Math.round(share * 100)}%)`,
      );
    }
  }
  if (problems.length === 0) return;
  throw new UserError(
    `${problems.length === 1 ? 'a release is' : `${problems.length} releases are`} too big for helm to store: nothing was deployed`,
    {
      exitCode: ExitCode.deployFailed,
      problems,
      hint: 'helm stores each revision (chart files, values, manifest, gzipped) in one Secret of at most 1 MiB: split the release into several, or move large data (dashboards, rules) out of it',
    },
  );
}

/** The five biggest rendered objects: `ConfigMap x (140 KiB)`. */
function biggest(r: SizedRelease): string[] {
  return helmDocuments(r.manifest)
    .map((d) => {
      const head = objectHeader(d.text);
      return { label: head ? `${head.kind} ${head.name}` : d.source, bytes: Buffer.byteLength(d.text) };
    })
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5)
    .map((o) => `${o.label} (${kib(o.bytes)})`);
}

const chartDirOf = (path: string) => (isAbsolute(path) ? path : join(coreRoot, path));
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
const kib = (n: number) => `${Math.round(n / 1024)} KiB`;

const charts = new Map<string, unknown>();

/**
 * The chart as helm serialises it: metadata, values, schema, templates and other files (file data
 * base64, as Go encodes []byte); dependencies under charts/ are not stored. Files a .helmignore
 * leaves out are counted too: the estimate errs high, never low.
 */
function storedChart(dir: string): unknown {
  const known = charts.get(dir);
  if (known) return known;
  const templates: { name: string; data: string }[] = [];
  const files: { name: string; data: string }[] = [];
  let schema: string | null = null;
  let values: unknown = {};
  let metadata: unknown = {};
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const path = join(abs, name);
      const relPath = rel ? `${rel}/${name}` : name;
      if (statSync(path).isDirectory()) {
        if (relPath !== 'charts') walk(path, relPath);
        continue;
      }
      const data = readFileSync(path);
      if (relPath === 'Chart.yaml') metadata = parseYaml(data.toString('utf8'));
      else if (relPath === 'values.yaml') values = parseYaml(data.toString('utf8')) ?? {};
      else if (relPath === 'values.schema.json') schema = data.toString('base64');
      else if (relPath === 'Chart.lock') continue;
      else if (relPath.startsWith('templates/'))
        templates.push({ name: relPath, data: data.toString('base64') });
      else files.push({ name: relPath, data: data.toString('base64') });
    }
  };
  walk(dir, '');
  const chart = { metadata, lock: null, templates, values, schema, files };
  charts.set(dir, chart);
  return chart;
}

/** JSON as Go's encoding/json writes it: <, > and & escaped (they cost bytes). */
function goJson(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}
