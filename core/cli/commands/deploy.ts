import { summaryTable } from '../../deploy/progress.js';
import { deployProgress } from '../../deploy/progress-live.js';
import { log } from '../../shared/log.js';
import { formatTable } from '../../shared/table.js';
import type { Command } from '../command.js';
import { deployRunOptions, prepareDeploy, runPrepared } from '../deploy-run.js';
import { selectorOption } from '../flags.js';
import { connectCluster } from '../pipeline.js';
import { stoppedShort } from '../run-outcome.js';
import { checkRunlevelHeaders } from '../runlevel-headers.js';

export const command: Command = {
  summary: 'validate, render, check and deploy every runlevel in order',
  usage:
    'runlevel deploy --cluster C [--selector k=v]... [--dry-run] [--force] [--no-prune] [--wait-lock 5m] [--allow-downgrade] [--break-lock]\n\n' +
    'Releases whose values are unchanged are not applied again, unless their live objects drifted\n' +
    '(deleted or changed by hand): those are repaired with the same chart and values. A lock held\n' +
    'by a process of this host that is gone is taken over at once; --break-lock takes any lock.',
  options: {
    selector: selectorOption,
    'dry-run': { type: 'boolean', env: 'RUNLEVEL_DRY_RUN', help: 'print the plan, change nothing' },
    force: { type: 'boolean', env: 'RUNLEVEL_FORCE', help: 'redeploy releases whose digest matches too' },
    'no-prune': { type: 'boolean', env: 'RUNLEVEL_NO_PRUNE', help: 'keep releases removed from values' },
    'wait-lock': {
      type: 'string',
      env: 'RUNLEVEL_WAIT_LOCK',
      help: 'wait this long (90s, 5m) for another deploy',
    },
    'break-lock': {
      type: 'boolean',
      env: 'RUNLEVEL_BREAK_LOCK',
      help: 'take the deploy lock even while another run holds it (recorded in the deploy record)',
    },
    'lock-ttl': { type: 'string', env: 'RUNLEVEL_LOCK_TTL', help: 'lock lease duration (default 60s)' },
    concurrency: {
      type: 'string',
      env: 'RUNLEVEL_CONCURRENCY',
      help: 'releases applied at once per runlevel (default 16)',
    },
    timeout: {
      type: 'string',
      env: 'RUNLEVEL_TIMEOUT',
      help: 'cap on each runlevel readiness timeout (90s, 5m)',
    },
    strict: { type: 'boolean', env: 'RUNLEVEL_CHECK_STRICT', help: 'policy warnings stop the deploy too' },
    'allow-downgrade': {
      type: 'boolean',
      env: 'RUNLEVEL_ALLOW_DOWNGRADE',
      help: 'deploy although a newer core deployed the cluster last',
    },
  },
  async run({ config, flags, connection }) {
    const started = Date.now();
    const o = deployRunOptions(flags);
    checkRunlevelHeaders(); // before the lock: an unknown task must not stop a deploy half-way

    const conn = connection ?? (await connectCluster(config));
    const dryRun = flags['dry-run'] === true;
    const step = await prepareDeploy(config, conn, o, { dryRun });
    const { resolved } = step;

    log.start(`${dryRun ? 'planning' : 'deploying'} ${resolved.cluster} (${conn.store.server})`);
    if (dryRun) {
      const { plan } = await (await step.full()).plan();
      const rows = formatTable([
        ...plan.runlevels.flatMap((rl) =>
          rl.waves.flat().map((p) => [rl.name, p.release.name, p.action, p.reason]),
        ),
        ...plan.prune.map((p) => [p.runlevel, p.name, 'prune']),
      ]);
      if (config.output === 'json')
        log.writeData(JSON.stringify({ changes: plan.changes, plan }, stripValues, 2));
      else log.writeData([...rows, `${plan.changes} changes`].join('\n'));
      return;
    }
    const progress = deployProgress();
    let report: Awaited<ReturnType<typeof runPrepared>>;
    try {
      report = await runPrepared(config, conn, step, o, progress, new Date(started));
    } finally {
      progress.close(); // the final frame stays; the summary or the error prints below it
    }

    const total = (Date.now() - started) / 1000;
    const rows = report.outcomes.map((o) => ({
      name: o.name,
      runlevel: o.runlevel,
      action: o.action,
      seconds: o.seconds,
    }));
    if (config.output === 'json') log.writeData(JSON.stringify(report.record, null, 2));
    else {
      log.info(`\n${summaryTable(rows, total, { all: config.verbose })}`);
      repairedLines(report.outcomes, config.verbose);
    }
    const stopped = stoppedShort(
      report.record,
      'later runlevels were not touched; fix the cause and run deploy again (it resumes: unchanged releases are skipped)',
    );
    if (stopped !== undefined) return stopped;
    log.done(`deployed ${resolved.cluster} in ${total.toFixed(1)}s`);
  },
};

/** What each repair put back: listed with -v, counted otherwise. */
function repairedLines(outcomes: { name: string; drift?: string[] }[], verbose: boolean): void {
  const repaired = outcomes.filter((o) => o.drift && o.drift.length > 0);
  if (repaired.length === 0) return;
  if (!verbose) {
    const items = repaired.reduce((n, o) => n + (o.drift?.length ?? 0), 0);
    log.info(
      `repaired ${items} live object${items === 1 ? '' : 's'} or field${items === 1 ? '' : 's'} changed by hand (-v lists them)`,
    );
    return;
  }
  for (const o of repaired) for (const item of o.drift ?? []) log.info(`repaired ${o.name}: ${item}`);
}

/** Plans carry each release's values (secrets included): never print them. */
function stripValues(key: string, value: unknown): unknown {
  return key === 'values' ? undefined : value;
}
