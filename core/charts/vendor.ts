// `runlevel charts vendor`: unpack a chart archive unmodified into charts/<chart>/ and write its
// record. No chart repository is reachable from where runlevel runs, so the archive is a local
// .tgz that `helm pull` fetched on a connected machine.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { maxUnpackedBytes } from '../check/chart-archive.js';
import { UserError } from '../shared/errors.js';
import { subcharts, unpackChart } from './archive.js';
import { formatRecord, readRecord, recordPath, type VendorRecord } from './record.js';
import { compareTrees, digestsOf, sha256, type TreeChanges, treeDigest } from './tree.js';

export interface VendorOptions {
  /** The .tgz to vendor. */
  archive: string;
  /** Where it was downloaded from (chart repository URL or oci:// reference). */
  source: string;
  /** The charts/ directory to vendor into. */
  chartsDir: string;
  /** The digest the chart repository's index.yaml gives for the archive; refused when it differs. */
  expectDigest?: string;
  /** The core's own charts/: a chart of the core without a record must not be shadowed. */
  coreChartsDir?: string;
  /** Path as the user should see it, for messages. */
  shown: (abs: string) => string;
}

export interface VendorResult {
  record: VendorRecord;
  chartDir: string;
  recordFile: string;
  previous: VendorRecord | undefined;
  /** Against the previous record (everything is added on a first vendor). */
  changes: TreeChanges;
}

// No archive larger than what it may unpack to (core/check/chart-archive.ts) can be a chart.
const maxArchiveBytes = maxUnpackedBytes;
const sourcePattern = /^[a-z][a-z0-9+.-]*:\/\/\S+$/;

export function vendorChart(opts: VendorOptions): VendorResult {
  if (!sourcePattern.test(opts.source)) {
    throw new UserError(`--source "${opts.source}" is not a URL`, {
      hint: 'name where the archive came from, e.g. --source https://stefanprodan.github.io/podinfo or oci://ghcr.io/org/charts/name',
    });
  }
  const data = readArchive(opts.archive, opts.shown(opts.archive));
  const digest = sha256(data);
  const expected = opts.expectDigest?.replace(/^sha256:/, '').toLowerCase();
  if (expected !== undefined && expected !== digest) {
    throw new UserError(`${opts.shown(opts.archive)} has sha256 ${digest}, not the expected ${expected}`, {
      hint: 'the archive is not the one the chart repository published: download it again with `helm pull`',
    });
  }
  const chart = unpackChart(data, opts.shown(opts.archive));
  const chartDir = join(opts.chartsDir, chart.name);
  const recordFile = recordPath(opts.chartsDir, chart.name);
  refuseShadowing(opts, chart.name, chartDir, recordFile);
  const previous = existsSync(recordFile) ? readRecord(recordFile, opts.shown(recordFile)) : undefined;

  const digests = digestsOf(chart.files);
  const record: VendorRecord = {
    chart: chart.name,
    version: chart.version,
    ...(chart.appVersion !== undefined ? { appVersion: chart.appVersion } : {}),
    source: opts.source,
    archive: { file: basename(opts.archive), sha256: digest },
    tree: { sha256: treeDigest(digests) },
    subcharts: subcharts(chart.files, opts.shown(opts.archive)),
    files: Object.fromEntries(digests),
  };
  writeTree(chartDir, chart.files);
  writeFileSync(recordFile, formatRecord(record));
  const before = new Map(Object.entries(previous?.files ?? {}));
  return { record, chartDir, recordFile, previous, changes: compareTrees(before, digests) };
}

function readArchive(file: string, shown: string): Buffer {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UserError(`chart archive ${shown} does not exist`, {
      hint: 'download it on a connected machine: helm pull <chart> --repo <url> --version <version>',
    });
  }
  if (statSync(file).size > maxArchiveBytes) {
    throw new UserError(`chart archive ${shown} is over ${maxArchiveBytes / 1024 / 1024} MiB`);
  }
  return readFileSync(file);
}

function refuseShadowing(opts: VendorOptions, name: string, chartDir: string, recordFile: string): void {
  if (existsSync(chartDir) && !existsSync(recordFile)) {
    throw new UserError(
      `${opts.shown(chartDir)} exists and was not vendored (no ${opts.shown(recordFile)})`,
      {
        hint: 'vendoring replaces the whole directory: move that chart away, or remove it if it is a hand-made copy',
      },
    );
  }
  const core = opts.coreChartsDir;
  if (
    core &&
    core !== opts.chartsDir &&
    existsSync(join(core, name)) &&
    !existsSync(recordPath(core, name))
  ) {
    throw new UserError(`the core has its own chart named "${name}"`, {
      hint: 'an image built FROM the core would replace it; a chart of that name cannot be added (docs/charts.md)',
    });
  }
}

/** Unpack beside the target, then swap: a failure never leaves half a chart. */
function writeTree(chartDir: string, files: ReadonlyMap<string, Buffer>): void {
  const staging = join(dirname(chartDir), `.${basename(chartDir)}.vendoring-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [path, data] of files) {
      const target = join(staging, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    rmSync(chartDir, { recursive: true, force: true });
    renameSync(staging, chartDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
