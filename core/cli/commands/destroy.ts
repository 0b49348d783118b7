// Everything runlevel deployed, removed in reverse runlevel order under the deploy lock;
// runlevel-system (lock, record, and the namespace itself) goes last. The engine is
// core/deploy/destroy.ts; this command finds what to remove, asks, and reports.
import { runDestroy } from '../../deploy/destroy.js';
import { planDestroy } from '../../deploy/destroy-plan.js';
import { summaryTable } from '../../deploy/progress.js';
import { systemNamespace } from '../../deploy/system-namespace.js';
import { halt, shutdown } from '../../shared/exec.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { log } from '../../shared/log.js';
import type { Command } from '../command.js';
import { confirmByName, refuseUnconfirmable } from '../confirm.js';
import { concurrencyFlag } from '../flags.js';
import { leftoversOf, purgePhrase, settleLeftovers } from '../leftovers.js';
import { connectCluster, renderedNames, valuesCommit } from '../pipeline.js';
import { stoppedShort } from '../run-outcome.js';
import { coreVersion } from './version.js';

export const command: Command = {
  summary: 'uninstall every release runlevel deployed, in reverse runlevel order, then runlevel-system',
  usage:
    'runlevel destroy --cluster C [--yes] [--purge]\n\n' +
    'Asks you to type the cluster name to confirm; without a terminal it refuses (exit 2) unless\n' +
    '--yes is given. Takes the deploy lock, uninstalls the releases of the last runlevel first\n' +
    '(those of one runlevel in parallel), and deletes the runlevel-system namespace last.\n' +
    "helm leaves the CRDs of charts' crds/ and the namespaces it created; destroy lists them at\n" +
    'the end, and --purge deletes them too (with every custom resource of those CRDs).',
  options: {
    yes: { type: 'boolean', short: 'y', env: 'RUNLEVEL_YES', help: 'do not ask for confirmation' },
    purge: {
      type: 'boolean',
      env: 'RUNLEVEL_PURGE',
      help: 'also delete the CRDs and namespaces helm leaves behind (and every object in them)',
    },
    'break-lock': {
      type: 'boolean',
      env: 'RUNLEVEL_BREAK_LOCK',
      help: 'take the deploy lock even while another run holds it (recorded in the deploy record)',
    },
    concurrency: {
      type: 'string',
      env: 'RUNLEVEL_CONCURRENCY',
      help: 'releases uninstalled at once per runlevel (default 4)',
    },
  },
  async run({ config, flags }) {
    const started = new Date();
    const yes = flags.yes === true;
    refuseUnconfirmable(yes, `destroy ${config.cluster ?? 'the cluster'}`);
    const { store, helm, kc } = await connectCluster(config);
    const [record, helmReleases, rendered] = await Promise.all([
      store.readRecord(),
      helm.list(),
      renderedNames(config),
    ]);
    const cluster = rendered.cluster ?? config.cluster ?? 'cluster';
    const batches = planDestroy(Object.values(record.releases), rendered.releases, helmReleases);
    const total = batches.reduce((n, b) => n + b.releases.length, 0);
    const purge = flags.purge === true;
    const leftovers = await leftoversOf(kc, rendered.footprints);
    const warning = `this uninstalls ${total} releases from ${cluster} (${store.server}) and deletes ${systemNamespace}`;
    if (!yes) await confirmByName(cluster, `${warning}${purge ? purgePhrase(leftovers) : ''}`);
    log.start(`destroying ${cluster} (${store.server}): ${total} releases in ${batches.length} runlevels`);

    const report = await runDestroy({
      store,
      helm,
      batches,
      cluster,
      coreVersion: coreVersion(),
      valuesCommit: await valuesCommit(config.valuesDir),
      started,
      breakLock: flags['break-lock'] === true,
      concurrency: concurrencyFlag(flags) ?? 4,
      interrupted: () => shutdown.signal.aborted,
      halted: () => halt.signal.aborted,
    });
    const seconds = (Date.now() - started.getTime()) / 1000;
    // The record's vocabulary has no "uninstalled": a release removed on purpose is "pruned".
    const rows = report.outcomes.map((o) => ({
      ...o,
      action: o.action === 'pruned' ? 'uninstalled' : o.action,
    }));
    if (config.output === 'json') log.writeData(JSON.stringify(report.record, null, 2));
    else log.info(`\n${summaryTable(rows, seconds)}`);
    const kept = 'earlier runlevels and runlevel-system were kept; fix the cause and run destroy again';
    const stopped = stoppedShort(report.record, kept);
    if (stopped !== undefined) return stopped;
    if (!report.namespaceGone)
      log.warn(`${systemNamespace} is still terminating; it disappears once its objects are gone`);
    await settleLeftovers(kc, leftovers, { purge, known: rendered.footprints !== undefined });
    log.done(`destroyed ${cluster} in ${seconds.toFixed(1)}s`);
    return ExitCode.ok;
  },
};
