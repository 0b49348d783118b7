// What a deploy would change, per release and object, without changing anything.
import { stringify } from 'yaml';
import { releaseKey } from '../../deploy/record.js';
import { diffPlatform, formatDiffText } from '../../diff/index.js';
import { varyingOfChart } from '../../render/varying.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { log } from '../../shared/log.js';
import type { Command } from '../command.js';
import { concurrencyFlag, listFlag, selectorOption } from '../flags.js';
import { connectCluster, planAgainstCluster } from '../pipeline.js';

export const command: Command = {
  summary: 'what a deploy would change: releases and objects, with a diff of each changed object',
  usage:
    'runlevel diff --cluster C [--selector k=v]... [--detailed-exitcode] [-o json]\n\n' +
    'Compares the manifest helm stored for each deployed release with what the values on disk\n' +
    'render, and the live objects of releases whose values did not change with their manifests:\n' +
    'objects deleted or fields changed by hand show as a repair (see platform.drift.ignore).\n' +
    'Secret values are never shown: each key says only *** (changed) or *** (unchanged).\n' +
    'Exit codes: 0 when the diff ran (with --detailed-exitcode: 0 = nothing to change,\n' +
    '2 = changes pending); other codes as for every command (3 render failed, 5 cluster unreachable).',
  options: {
    selector: selectorOption,
    'detailed-exitcode': {
      type: 'boolean',
      env: 'RUNLEVEL_DETAILED_EXITCODE',
      help: 'exit 2 when changes are pending, 0 when none',
    },
    concurrency: {
      type: 'string',
      env: 'RUNLEVEL_CONCURRENCY',
      help: 'deployed manifests read at once (default 8)',
    },
  },
  async run({ config, flags }) {
    const concurrency = concurrencyFlag(flags);
    const conn = await connectCluster(config);
    const step = await planAgainstCluster(config, conn, {
      selectors: listFlag(flags, 'selector'),
      state: 'compare',
    });
    const { plan } = await step.plan();
    log.start(`comparing ${plan.changes} releases with what is deployed on ${step.resolved.cluster}`);
    const report = await diffPlatform({
      cluster: step.resolved.cluster,
      plan,
      manifests: new Map(step.rendered.releases.map((r) => [releaseKey(r), r.manifest])),
      deployedManifest: (name, namespace) => conn.helm.getManifest(name, namespace),
      concurrency,
      varying: new Map(step.rendered.releases.map((r) => [releaseKey(r), varyingOfChart(r.chart.path)])),
    });

    if (config.output === 'json') log.writeData(JSON.stringify(report, null, 2));
    else if (config.output === 'yaml') log.writeData(stringify(report, { lineWidth: 0 }));
    else {
      log.writeData(formatDiffText(report, (c, s) => log.paint(c, s)));
    }
    if (flags['detailed-exitcode'] === true && report.changes > 0) return ExitCode.invalid;
    return ExitCode.ok;
  },
};
