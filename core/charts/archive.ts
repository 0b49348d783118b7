// A chart archive as `helm pull` or `helm package` makes it, read and checked in memory before
// anything is written: one top directory named after the chart, no path that climbs out of it, a
// Chart.yaml, and every dependency the Chart.yaml lists present in charts/ (helm refuses otherwise).
import { ArchiveError, readTgz } from '../check/chart-archive.js';
import { UserError } from '../shared/errors.js';
import { parseYaml } from '../shared/yaml/plain.js';
import type { SubchartRecord } from './record.js';
import { digestsOf, sha256, treeDigest } from './tree.js';

export interface ChartMeta {
  name: string;
  version: string;
  appVersion?: string;
  dependencies: { name: string; version?: string; repository?: string; alias?: string }[];
}

export interface UnpackedChart extends ChartMeta {
  /** Files by path inside the chart (Chart.yaml, templates/…), without the top directory. */
  files: Map<string, Buffer>;
}

const chartName = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/i;

/** The chart in a .tgz; `shown` names the archive in errors. */
export function unpackChart(archive: Buffer, shown: string): UnpackedChart {
  const bad = (what: string, hint?: string) =>
    new UserError(`${shown} is not a chart archive: ${what}`, {
      hint: hint ?? 'use the .tgz that `helm pull <chart> --repo <url> --version <v>` downloads',
    });
  let entries: Map<string, Buffer>;
  try {
    entries = readTgz(archive);
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    throw bad(err.message);
  }
  const tops = new Set([...entries.keys()].map((p) => p.split('/')[0] ?? ''));
  const top = [...tops][0];
  if (tops.size !== 1 || !top) throw bad(`it holds ${tops.size} top-level entries, not one chart directory`);
  const files = new Map<string, Buffer>();
  for (const [path, data] of entries) {
    const inside = path.slice(top.length + 1);
    const parts = inside.split('/');
    if (!inside || path.startsWith('/') || parts.some((p) => p === '..' || p === '' || p === '.')) {
      throw bad(
        `unsafe path "${path}" in the archive`,
        'a chart archive never holds such paths: do not use it',
      );
    }
    files.set(inside, data);
  }
  const meta = chartMeta(files.get('Chart.yaml'), `${top}/Chart.yaml`, shown);
  if (meta.name !== top || !chartName.test(meta.name)) {
    throw bad(`its directory "${top}" does not match the chart name "${meta.name}" in Chart.yaml`);
  }
  const missing = meta.dependencies.filter((d) => !hasSubchart(files, d.name, d.alias));
  if (missing.length > 0) {
    throw bad(
      `Chart.yaml lists ${missing.map((d) => d.name).join(', ')} under dependencies, but charts/ does not hold ${missing.length === 1 ? 'it' : 'them'}`,
      'a published chart carries its sub-charts: `helm pull` it rather than packaging a checkout, or run `helm dependency build` before `helm package`',
    );
  }
  return { ...meta, files };
}

export function chartMeta(data: Buffer | undefined, where: string, shown: string): ChartMeta {
  if (!data) throw new UserError(`${shown} is not a chart archive: it has no ${where}`);
  let doc: unknown;
  try {
    doc = parseYaml(data.toString('utf8'));
  } catch (err) {
    throw new UserError(`${shown}: ${where} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const m = (doc ?? {}) as Record<string, unknown>;
  if (typeof m.name !== 'string' || m.version === undefined) {
    throw new UserError(`${shown}: ${where} has no name or version`);
  }
  const deps = Array.isArray(m.dependencies) ? (m.dependencies as Record<string, unknown>[]) : [];
  return {
    name: m.name,
    version: String(m.version),
    ...(m.appVersion !== undefined ? { appVersion: String(m.appVersion) } : {}),
    dependencies: deps.map((d) => ({
      name: String(d.name ?? ''),
      ...(d.version !== undefined ? { version: String(d.version) } : {}),
      ...(typeof d.repository === 'string' ? { repository: d.repository } : {}),
      ...(typeof d.alias === 'string' ? { alias: d.alias } : {}),
    })),
  };
}

/** helm finds a dependency as charts/<name>/ or a charts/<name>-<version>.tgz (by its Chart.yaml name). */
function hasSubchart(files: ReadonlyMap<string, Buffer>, name: string, alias?: string): boolean {
  return subcharts(files, '').some((s) => s.name === name || s.name === alias);
}

/**
 * The sub-charts of a chart, nested ones included (charts/a/charts/b), with where each came from
 * when the parent's Chart.yaml says so.
 */
export function subcharts(files: ReadonlyMap<string, Buffer>, shown: string): SubchartRecord[] {
  const out: SubchartRecord[] = [];
  const walk = (prefix: string, repositories: Map<string, string>) => {
    const dirs = new Set<string>();
    for (const [path, data] of files) {
      if (!path.startsWith(`${prefix}charts/`)) continue;
      const rest = path.slice(`${prefix}charts/`.length);
      if (!rest.includes('/') && rest.endsWith('.tgz')) {
        const inner = readNested(data, `${prefix}charts/${rest}`, shown);
        const chartYaml = [...inner].find(([p]) => /^[^/]+\/Chart\.yaml$/.test(p))?.[1];
        const meta = chartMeta(chartYaml, `${prefix}charts/${rest}`, shown);
        out.push(entry(`${prefix}charts/${rest}`, meta, repositories, sha256(data)));
      } else if (rest.endsWith('/Chart.yaml') && rest.split('/').length === 2) {
        dirs.add(rest.split('/')[0] ?? '');
      }
    }
    for (const dir of [...dirs].sort()) {
      const sub = `${prefix}charts/${dir}/`;
      const meta = chartMeta(files.get(`${sub}Chart.yaml`), `${sub}Chart.yaml`, shown);
      const own = new Map<string, Buffer>();
      for (const [p, d] of files) if (p.startsWith(sub)) own.set(p.slice(sub.length), d);
      out.push(entry(`${prefix}charts/${dir}`, meta, repositories, treeDigest(digestsOf(own))));
      walk(sub, new Map(meta.dependencies.flatMap((d) => (d.repository ? [[d.name, d.repository]] : []))));
    }
  };
  const top = files.get('Chart.yaml');
  const deps = top ? chartMeta(top, 'Chart.yaml', shown).dependencies : [];
  walk('', new Map(deps.flatMap((d) => (d.repository ? [[d.name, d.repository]] : []))));
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** A sub-chart's archive, read with the same limits, refused naming where it sits. */
function readNested(data: Buffer, path: string, shown: string): Map<string, Buffer> {
  try {
    return readTgz(data);
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    throw new UserError(
      `${shown} is not a chart archive: its sub-chart ${path} cannot be read: ${err.message}`,
      {
        hint: 'a published chart carries readable sub-chart archives: download the chart again with `helm pull`',
      },
    );
  }
}

function entry(
  path: string,
  meta: ChartMeta,
  repositories: ReadonlyMap<string, string>,
  digest: string,
): SubchartRecord {
  const repository = repositories.get(meta.name);
  return {
    path,
    name: meta.name,
    version: meta.version,
    ...(repository ? { repository } : {}),
    sha256: digest,
  };
}
