// The CRDs a chart installs from crds/, its own and its sub-charts' (charts/<dep>/crds/, to any
// depth, directories or .tgz packages), as helm collects them for `helm install`. `helm template`
// leaves them out of the render, so check and the deploy's ordering read them from the charts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { coreRoot } from '../shared/paths.js';
import { ArchiveError, readTgz } from './chart-archive.js';

/** A chart's files by path inside the chart; read only when asked. */
type ChartFiles = Map<string, () => Buffer>;

export interface ChartCrd {
  body: Record<string, unknown>;
  /** Where it was read: a file under the core, or `<archive>!<path inside>`. */
  source: string;
}

/** Every CustomResourceDefinition in chartDir's crds/ and in the crds/ of its sub-charts. */
export function chartCrds(chartDir: string): ChartCrd[] {
  return crdsIn(directoryFiles(chartDir), relative(coreRoot, chartDir) || chartDir);
}

/** The kinds those CRDs define, as `group/Kind` (sorted, no repeats). */
export function crdKindsOfChart(chartDir: string): string[] {
  const kinds = new Set<string>();
  for (const { body } of chartCrds(chartDir)) {
    const spec = body.spec as { group?: string; names?: { kind?: string } } | undefined;
    if (spec?.group && spec.names?.kind) kinds.add(`${spec.group}/${spec.names.kind}`);
  }
  return [...kinds].sort();
}

function crdsIn(files: ChartFiles, where: string): ChartCrd[] {
  const out: ChartCrd[] = [];
  const subCharts = new Map<string, ChartFiles>();
  for (const [path, read] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (/^crds\/.+\.(ya?ml|json)$/.test(path)) {
      out.push(...parseCrds(read().toString('utf8'), `${where}/${path}`));
      continue;
    }
    const packaged = /^charts\/([^/]+\.tgz)$/.exec(path);
    if (packaged?.[1]) {
      out.push(...crdsIn(archiveFiles(read(), `${where}/${path}`), `${where}/${path}!`));
      continue;
    }
    const unpacked = /^charts\/([^/]+)\/(.+)$/.exec(path);
    if (unpacked?.[1] && unpacked[2]) {
      const sub = subCharts.get(unpacked[1]) ?? new Map();
      sub.set(unpacked[2], read);
      subCharts.set(unpacked[1], sub);
    }
  }
  for (const [name, sub] of subCharts) {
    if (sub.has('Chart.yaml')) out.push(...crdsIn(sub, `${where}/charts/${name}`));
  }
  return out;
}

/** A chart directory's crds/ and charts/ trees (the rest cannot hold CRDs helm installs). */
function directoryFiles(chartDir: string): ChartFiles {
  const files: ChartFiles = new Map();
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statSync(full).isDirectory());
      if (isDir) walk(full, path);
      else files.set(path, () => readFileSync(full));
    }
  };
  for (const top of ['crds', 'charts']) {
    if (existsSync(join(chartDir, top))) walk(join(chartDir, top), top);
  }
  return files;
}

/** A packaged chart holds one top directory (<name>/...): paths below it, as for a directory. */
function archiveFiles(tgz: Buffer, shown: string): ChartFiles {
  const files: ChartFiles = new Map();
  let entries: Map<string, Buffer>;
  try {
    entries = readTgz(tgz);
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    throw new UserError(`${shown} cannot be read: ${err.message}`, {
      exitCode: ExitCode.renderFailed,
      hint: 'a sub-chart archive must be what `helm dependency build` or `helm pull` wrote: re-vendor the chart',
    });
  }
  for (const [path, data] of entries) {
    const inside = path.replace(/^[^/]+\//, '');
    if (inside !== path) files.set(inside, () => data);
  }
  return files;
}

function parseCrds(text: string, source: string): ChartCrd[] {
  const out: ChartCrd[] = [];
  for (const doc of parseAllDocuments(text)) {
    const problem = doc.errors[0];
    if (problem) {
      throw new UserError(`${source} is not valid YAML: ${problem.message.split('\n')[0]}`, {
        exitCode: ExitCode.renderFailed,
        hint: "the chart's crds/ must hold plain YAML (helm does not template it): fix or re-vendor the chart",
      });
    }
    const body = doc.toJS() as unknown;
    if (
      body &&
      typeof body === 'object' &&
      (body as { kind?: unknown }).kind === 'CustomResourceDefinition'
    ) {
      out.push({ body: body as Record<string, unknown>, source });
    }
  }
  return out;
}
