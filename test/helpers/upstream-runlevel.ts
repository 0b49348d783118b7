// A runlevel of the test charts (test/fixtures/charts), as a platform team would add charts it did
// not write: a helmfile.d file listing releases of those charts with their values.
import { join } from 'node:path';
import { coreRoot } from '../../core/shared/paths.js';

export const testCharts = join(coreRoot, 'test/fixtures/charts');

export interface TestRelease {
  name: string;
  chart: string; // a directory of test/fixtures/charts
  namespace?: string;
  values?: Record<string, unknown>;
}

/**
 * The text of a runlevel file (`NN-name.yaml.gotmpl`) releasing these charts. `charts` is where the
 * charts are (default: the fixtures in place); values are JSON, which helmfile reads as YAML.
 */
export function upstreamRunlevel(
  name: string,
  releases: readonly TestRelease[],
  opts: { charts?: string; timeout?: string } = {},
): string {
  const lines = [
    `# runlevel ${name}: charts we did not write (test charts).`,
    `# runlevel: timeout=${opts.timeout ?? '120s'}`,
    'commonLabels:',
    `  runlevel: ${name}`,
    'releases:',
  ];
  for (const r of releases) {
    lines.push(
      `  - name: ${r.name}`,
      `    namespace: ${r.namespace ?? 'upstream'}`,
      `    chart: ${join(opts.charts ?? testCharts, r.chart)}`,
      `    values:`,
      `      - ${JSON.stringify(r.values ?? {})}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
