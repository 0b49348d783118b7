// `runlevel charts verify` (also run by check and deploy): every vendored chart's files are the
// ones its record lists, byte for byte. A chart is vendored unmodified; any edit is named by file.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../shared/errors.js';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { readRecord, recordPath, type VendorRecord, vendoredNames } from './record.js';
import {
  compareTrees,
  digestsOnDisk,
  isUnchanged,
  type OddEntry,
  type TreeChanges,
  treeDigest,
} from './tree.js';

export interface ChartVerdict {
  record: VendorRecord;
  chartDir: string;
  recordFile: string;
  /** The chart directory is gone although its record is there. */
  missing: boolean;
  changes: TreeChanges;
  odd: OddEntry[];
  /** The record's files do not add up to its tree digest: the record itself was edited. */
  recordEdited: boolean;
}

export function isIntact(v: ChartVerdict): boolean {
  return !v.missing && !v.recordEdited && v.odd.length === 0 && isUnchanged(v.changes);
}

/** One verdict per vendored chart (a chart with a record) under chartsDir. */
export function verifyVendored(chartsDir: string, shown: (abs: string) => string): ChartVerdict[] {
  return vendoredNames(chartsDir).map((name) => {
    const recordFile = recordPath(chartsDir, name);
    const record = readRecord(recordFile, shown(recordFile));
    const chartDir = join(chartsDir, name);
    const recorded = new Map(Object.entries(record.files));
    const recordEdited = treeDigest(recorded) !== record.tree.sha256;
    const none: TreeChanges = { added: [], removed: [], changed: [] };
    if (!existsSync(chartDir) || !statSync(chartDir).isDirectory()) {
      return { record, chartDir, recordFile, missing: true, changes: none, odd: [], recordEdited };
    }
    const found = digestsOnDisk(chartDir);
    const changes = compareTrees(recorded, found.files);
    return { record, chartDir, recordFile, missing: false, changes, odd: found.odd, recordEdited };
  });
}

/** What is wrong with each chart that is not intact, one problem per file. */
export function verdictProblems(
  verdicts: readonly ChartVerdict[],
  shown: (abs: string) => string,
): Problem[] {
  const problems: Problem[] = [];
  for (const v of verdicts) {
    const what = `${v.record.chart} ${v.record.version} (vendored from ${v.record.source})`;
    const at = (path: string) => shown(join(v.chartDir, path));
    if (v.missing)
      problems.push({ message: `${shown(v.chartDir)}: missing, but ${shown(v.recordFile)} records ${what}` });
    if (v.recordEdited) {
      problems.push({
        message: `${shown(v.recordFile)}: its files do not add up to its tree digest: the record was edited by hand`,
      });
    }
    for (const p of v.changes.changed) problems.push({ message: `${at(p)}: changed since ${what}` });
    for (const p of v.changes.added) problems.push({ message: `${at(p)}: added to ${what}` });
    for (const p of v.changes.removed) problems.push({ message: `${at(p)}: removed from ${what}` });
    for (const o of v.odd)
      problems.push({ message: `${at(o.path)}: a ${o.what}, which no chart archive holds` });
  }
  return problems;
}

/** Throws (exit 4, as a check failure) when a vendored chart differs from its record. */
export function assertVendoredIntact(chartsDir: string, shown: (abs: string) => string): ChartVerdict[] {
  const verdicts = verifyVendored(chartsDir, shown);
  const broken = verdicts.filter((v) => !isIntact(v));
  if (broken.length === 0) return verdicts;
  const names = broken.map((v) => v.record.chart).join(', ');
  throw new UserError(
    `vendored chart${broken.length === 1 ? '' : 's'} ${names} differ${broken.length === 1 ? 's' : ''} from ${broken.length === 1 ? 'its record' : 'their records'}`,
    {
      exitCode: ExitCode.policyViolations,
      problems: verdictProblems(broken, shown),
      hint: 'charts are vendored unmodified: restore the files (git checkout -- charts/), or vendor the new version with `runlevel charts vendor <chart>.tgz --source <url>`; change behaviour through values and policy exceptions (docs/charts.md)',
    },
  );
}
