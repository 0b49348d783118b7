// `runlevel charts vendor|verify`: how a platform team adds a chart it did not write (docs/charts.md).
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import {
  coreChartsDir,
  isIntact,
  type VendorResult,
  vendorChart,
  verdictProblems,
  verifyVendored,
} from '../../charts/index.js';
import { UserError } from '../../shared/errors.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { log } from '../../shared/log.js';
import type { Command } from '../command.js';

/** Paths under the working directory as the user typed them; others absolute. */
function shown(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

export const command: Command = {
  summary: 'add charts you did not write: vendor a chart archive with its record | verify the records',
  usage:
    'runlevel charts vendor CHART.tgz --source URL [--digest SHA256] [--charts-dir DIR]\n       runlevel charts verify [--charts-dir DIR] [-o json]',
  options: {
    source: { type: 'string', help: 'vendor: where the archive came from (chart repository URL, oci://…)' },
    digest: {
      type: 'string',
      help: "vendor: the archive's sha256 from the chart repository's index.yaml; refused when it differs",
    },
    'charts-dir': {
      type: 'string',
      env: 'RUNLEVEL_CHARTS_DIR',
      help: 'the charts/ directory to vendor into or verify (default: charts)',
    },
  },
  async run({ args, flags, config }) {
    const chartsDir = resolve(typeof flags['charts-dir'] === 'string' ? flags['charts-dir'] : 'charts');
    switch (args[0]) {
      case 'vendor': {
        const archive = args[1];
        if (!archive || args.length > 2) {
          throw new UserError('charts vendor takes one chart archive (.tgz)', {
            hint: `usage: ${this.usage}`,
          });
        }
        if (typeof flags.source !== 'string') {
          throw new UserError('charts vendor needs --source: where the archive came from', {
            hint: 'e.g. --source https://stefanprodan.github.io/podinfo (the --repo of `helm pull`)',
          });
        }
        const result = vendorChart({
          archive: resolve(archive),
          source: flags.source,
          chartsDir,
          expectDigest: typeof flags.digest === 'string' ? flags.digest : undefined,
          coreChartsDir: coreChartsDir(),
          shown,
        });
        report(result);
        return;
      }
      case 'verify': {
        // A directory that is not there verifies nothing: say so rather than "no vendored charts".
        if (!statSync(chartsDir, { throwIfNoEntry: false })?.isDirectory()) {
          throw new UserError(`no charts directory at ${shown(chartsDir)} (--charts-dir)`, {
            hint: 'run it where charts/ is (the core checkout, or the image built FROM runlevel), or name it with --charts-dir DIR',
          });
        }
        const verdicts = verifyVendored(chartsDir, shown);
        if (config.output === 'json') {
          log.writeData(
            JSON.stringify(
              verdicts.map((v) => ({
                chart: v.record.chart,
                version: v.record.version,
                source: v.record.source,
                intact: isIntact(v),
                ...v.changes,
                missing: v.missing,
                recordEdited: v.recordEdited,
              })),
              null,
              2,
            ),
          );
        } else {
          for (const v of verdicts.filter(isIntact)) {
            log.done(`${v.record.chart} ${v.record.version} matches its record (${v.record.source})`);
          }
        }
        const broken = verdicts.filter((v) => !isIntact(v));
        if (broken.length > 0) {
          throw new UserError(
            `${broken.length} of ${verdicts.length} vendored charts differ from their records`,
            {
              exitCode: ExitCode.policyViolations,
              problems: verdictProblems(broken, shown),
              hint: 'charts are vendored unmodified: restore the files (git checkout -- charts/), or vendor the new version with `runlevel charts vendor`',
            },
          );
        }
        if (verdicts.length === 0)
          log.info(`no vendored charts in ${shown(chartsDir)} (no *.vendor.yaml records)`);
        return;
      }
      default:
        throw new UserError(`unknown charts action "${args[0] ?? ''}"`, {
          hint: 'use: runlevel charts vendor CHART.tgz --source URL | runlevel charts verify',
        });
    }
  },
};

function report(r: VendorResult): void {
  const { record, previous, changes } = r;
  const sub = record.subcharts.map((s) => `${s.name} ${s.version}`).join(', ');
  if (previous) {
    const same = previous.tree.sha256 === record.tree.sha256;
    log.generated(
      `${shown(r.chartDir)}: ${record.chart} ${previous.version} → ${record.version}${same ? ' (files unchanged)' : `: ${changes.changed.length} changed, ${changes.added.length} added, ${changes.removed.length} removed files`}`,
    );
  } else {
    log.generated(
      `${shown(r.chartDir)}: ${record.chart} ${record.version}, ${Object.keys(record.files).length} files`,
    );
  }
  if (sub) log.info(`sub-charts: ${sub}`);
  log.generated(`${shown(r.recordFile)}: from ${record.source}, archive sha256 ${record.archive.sha256}`);
  log.done(`review and commit both; \`runlevel diff\` shows what the new chart changes in a cluster`);
}
