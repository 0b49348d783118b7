// Charts a platform team adds to the core (docs/charts.md): vendored unmodified from a chart
// archive with a record of where it came from, verified against that record before every check.
import { join, relative } from 'node:path';
import { coreRoot } from '../shared/paths.js';
import { assertVendoredIntact, type ChartVerdict } from './verify.js';

export { formatRecord, readRecord, recordPath, type VendorRecord, vendoredNames } from './record.js';
export { type UnreadChartValues, unreadChartValues, warnUnreadChartValues } from './values.js';
export { type VendorOptions, type VendorResult, vendorChart } from './vendor.js';
export { type ChartVerdict, isIntact, verdictProblems, verifyVendored } from './verify.js';
export { assertVendoredIntact };

/** The core's own charts/ (with what an image built FROM it added). */
export function coreChartsDir(): string {
  return join(coreRoot, 'charts');
}

/** The vendored charts of the core, as check and deploy see them: any edit stops them (exit 4). */
export function verifyCoreCharts(): ChartVerdict[] {
  return assertVendoredIntact(coreChartsDir(), (abs) => relative(coreRoot, abs) || abs);
}
