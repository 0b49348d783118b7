// Everything runlevel deployed, removed in reverse runlevel order under the deploy lock;
// runlevel-system (lock, record, and the namespace itself) goes last. The engine is
// core/deploy/destroy.ts; this command finds what to remove, asks, and reports.
import { runDestroy } from '../../deploy/destroy.js';
import { planDestroy } from '../../deploy/destroy-plan.js';
import { deleteLeftovers, leftoverLine, plannedLeftovers, presentLeftovers } from '../../deploy/leftovers.js';
import { summaryTable } from '../../deploy/progress.js';
import { systemNamespace } from '../../deploy/system-namespace.js';
import { UserError } from '../../shared/errors.js';
import { shutdown } from '../../shared/exec.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { log } from '../../shared/log.js';
import type { Command } from '../command.js';
import { confirmByName } from '../confirm.js';
import { concurrencyFlag } from '../flags.js';
import { connectCluster, renderedNames, valuesCommit } from '../pipeline.js';
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
    if (!yes && !process.stdin.isTTY) {
      throw new UserError(`refusing to destroy ${config.cluster ?? 'the cluster'} without confirmation`, {
        exitCode: ExitCode.invalid,
        hint: 'run it in a terminal to confirm by typing the cluster name, or pass --yes (RUNLEVEL_YES=true)',
      });
    }
    const concurrency = concurrencyFlag(flags) ?? 4;
    const { store, helm, kc } = await connectCluster(config);
    const [record, helmReleases, rendered] = await Promise.all([
      store.readRecord(),
      helm.list(),
      renderedNames(config),
    ]);
    const cluster = rendered.cluster ?? config.cluster ?? 'cluster';
    const batches = planDestroy(Object.values(record.releases), rendered.releases, helmReleases);
    const total = batches.reduce((n, b) => n + b.releases.length, 0);
    const what = `${total} releases from cluster ${cluster} (${store.server})`;
    const purge = flags.purge === true;
    // What helm will leave, looked up now (a CRD or namespace that is already gone is not listed).
    const leftovers = rendered.footprints
      ? await presentLeftovers(kc, plannedLeftovers(rendered.footprints))
      : [];
    const purged =
      purge && leftovers.length > 0 ? `, then deletes ${leftovers.map(leftoverLine).join(', ')}` : '';
    if (!yes) await confirmByName(cluster, `this uninstalls ${what} and deletes ${systemNamespace}${purged}`);
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
      concurrency,
      interrupted: () => shutdown.signal.aborted,
    });
    const { record: entry } = report;
    const seconds = (Date.now() - started.getTime()) / 1000;
    const rows = report.outcomes.map((o) => ({
      ...o,
      action: o.action === 'pruned' ? 'uninstalled' : o.action,
    }));
    if (config.output === 'json') log.writeData(JSON.stringify(entry, null, 2));
    else log.info(`\n${summaryTable(rows, seconds)}`);
    if (entry.failure) {
      if (entry.outcome === 'interrupted') return ExitCode.interrupted;
      throw new UserError(
        `destroy failed at ${entry.failure.runlevel ?? ''} / ${entry.failure.release ?? entry.failure.step}: ${entry.failure.message}`,
        {
          exitCode: ExitCode.deployFailed,
          hint: 'earlier runlevels and runlevel-system were kept; fix the cause and run destroy again',
        },
      );
    }
    if (!report.namespaceGone)
      log.warn(`${systemNamespace} is still terminating; it disappears once its objects are gone`);
    if (purge && leftovers.length > 0) {
      await deleteLeftovers(kc, leftovers);
      log.done(`deleted what helm leaves: ${leftovers.map(leftoverLine).join(', ')}`);
    } else if (leftovers.length > 0) {
      log.warn(
        `left in the cluster (helm does not remove these):\n  ${leftovers.map(leftoverLine).join('\n  ')}\n  run destroy again with --purge to delete them (a CRD takes every object of its kind with it)`,
      );
    } else if (!rendered.footprints) {
      log.warn('the values did not render, so the CRDs and namespaces helm leaves behind are not known');
    }
    log.done(`destroyed ${cluster} in ${seconds.toFixed(1)}s`);
    return ExitCode.ok;
  },
};
