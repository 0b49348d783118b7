// What a deploy would change, per release and object, without changing anything.
import { stringify } from 'yaml';
import { helmGetManifest, helmList } from '../../deploy/helm.js';
import { planDeploy } from '../../deploy/plan.js';
import { releaseKey } from '../../deploy/record.js';
import { readDeployedState } from '../../deploy/stored.js';
import { diffPlatform, formatDiffText } from '../../diff/index.js';
import { matchesAny, parseSelectors } from '../../render/selector.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { loadKubeConfig } from '../../shared/kube.js';
import { log } from '../../shared/log.js';
import type { Command } from '../command.js';
import { concurrencyFlag, listFlag, selectorOption } from '../flags.js';
import { kubeconfigFile, renderResolved, resolveFromConfig } from '../pipeline.js';

export const command: Command = {
  summary: 'what a deploy would change: releases and objects, with a diff of each changed object',
  usage:
    'runlevel diff --cluster C [--selector k=v]... [--detailed-exitcode] [-o json]\n\n' +
    'Compares the manifest helm stored for each deployed release with what the values on disk\n' +
    'render. Secret values are never shown: each key says only *** (changed) or *** (unchanged).\n' +
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
    const selectorFlags = listFlag(flags, 'selector');
    const selectors = parseSelectors(selectorFlags);
    const concurrency = concurrencyFlag(flags);
    const kubeconfig = kubeconfigFile(config);
    const kc = loadKubeConfig(kubeconfig);
    const helm = { kubeconfig };

    // What is deployed is read while the values load; unchanged releases are then not rendered.
    const deployed = readDeployedState(kc);
    deployed.catch(() => {}); // awaited below; a values error must not leave it unhandled
    const resolved = await resolveFromConfig(config);
    const { record, reuse } = await deployed;
    const [rendered, helmReleases] = await Promise.all([
      renderResolved(config, resolved, selectorFlags, reuse),
      helmList(helm),
    ]);
    const plan = planDeploy({
      runlevels: rendered.runlevels,
      desired: rendered.releases,
      deployed: record.releases,
      helm: helmReleases,
      selects: selectorFlags.length > 0 ? (labels) => matchesAny(selectors, labels) : undefined,
    });
    log.start(`comparing ${plan.changes} releases with what is deployed on ${resolved.cluster}`);
    const report = await diffPlatform({
      cluster: resolved.cluster,
      plan,
      manifests: new Map(rendered.releases.map((r) => [releaseKey(r), r.manifest])),
      deployedManifest: (name, namespace) => helmGetManifest(helm, name, namespace),
      concurrency,
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
