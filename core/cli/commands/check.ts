import { resolve } from 'node:path';
import { verifyCoreCharts } from '../../charts/index.js';
import {
  type CheckReport,
  checkRendered,
  exitCodeOf,
  formatJson,
  formatText,
  renderSelectors,
  summary,
} from '../../check/index.js';
import { log } from '../../shared/log.js';
import type { Command } from '../command.js';
import { checkRender, definersOutside, renderResolved, resolveFromConfig } from '../pipeline.js';

export const command: Command = {
  summary: 'check the rendered platform: Kubernetes schemas and policies',
  usage: 'runlevel check --cluster C [--dir RENDERED_DIR] [--strict] [-o json]',
  options: {
    dir: {
      type: 'string',
      env: 'RUNLEVEL_CHECK_DIR',
      help: 'check this render (runlevel template --out DIR) instead of rendering',
    },
    strict: { type: 'boolean', env: 'RUNLEVEL_CHECK_STRICT', help: 'warnings fail the check too' },
  },
  async run({ config, flags }) {
    const started = Date.now();
    // validate → render → check: values first, so a values mistake is reported as one. The render
    // and its check are the steps deploy takes.
    const resolved = await resolveFromConfig(config);
    const strict = flags.strict === true;
    let report: CheckReport;
    if (typeof flags.dir === 'string') {
      log.start(`checking ${resolved.cluster}`);
      verifyCoreCharts(); // as checkRender does: a vendored chart edited since it was vendored stops here
      const dir = resolve(flags.dir);
      // A render of some releases (template --selector) is checked against the CRDs of them all.
      const definers = await definersOutside(resolved, await renderSelectors(dir));
      report = await checkRendered({ render: dir, values: resolved.values, definers });
    } else report = await checkRender(resolved, await renderResolved(resolved));
    log.writeData(
      config.output === 'json' ? formatJson(report, strict) : formatText(report, (c, s) => log.paint(c, s)),
    );
    const code = exitCodeOf(report, strict);
    const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
    if (code === 0) log.done(`${summary(report)} in ${took}`);
    else log.fail(`${summary(report)} in ${took}${report.errors === 0 ? ' (--strict)' : ''}`);
    return code;
  },
};
