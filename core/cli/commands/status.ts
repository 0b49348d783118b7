// What is deployed, per runlevel and release, against what the values on disk would deploy.
import { ReleaseState } from '../../deploy/plan.js';
import { releaseKey } from '../../deploy/record.js';
import { isGated } from '../../deploy/wait.js';
import { driftLines } from '../../drift/describe.js';
import { log } from '../../shared/log.js';
import { columnWidths, tableRow } from '../../shared/table.js';
import type { Command } from '../command.js';
import { countFlag } from '../flags.js';
import { connectCluster, planAgainstCluster } from '../pipeline.js';

/** How status prints each state (the words of earlier versions, which scripts may match). */
const stateWords: Record<ReleaseState, string> = {
  [ReleaseState.InSync]: 'in sync',
  [ReleaseState.OutOfSync]: 'out of sync',
  [ReleaseState.Drifted]: 'drifted',
  [ReleaseState.Missing]: 'not deployed',
  [ReleaseState.Failed]: 'failed',
};

export const command: Command = {
  summary: 'what is deployed: releases, digests against the values on disk, readiness, last deploys',
  usage: 'runlevel status --cluster C [-o json]',
  options: {
    deploys: { type: 'string', help: 'how many past deploys to show (default 5)' },
  },
  async run({ config, flags }) {
    const shownDeploys = countFlag(flags, 'deploys') ?? 5; // before connecting: a typo fails at once
    const conn = await connectCluster(config);
    const step = await planAgainstCluster(config, conn, { state: 'compare' });
    const { resolved } = step;
    const { plan, record, helm } = await step.plan();
    const helmByKey = new Map(helm.map((h) => [releaseKey(h), h]));

    const releases = await Promise.all(
      plan.runlevels.flatMap((rl) =>
        rl.waves.flat().map(async (p) => {
          const h = helmByKey.get(releaseKey(p.release));
          const notReady: string[] = [];
          if (h) {
            for (const o of p.release.objects.filter(isGated)) {
              const r = await conn.store.readiness(o);
              if (!r.ready) notReady.push(`${o.kind}/${o.name}: ${r.state}`);
            }
          }
          const state = stateWords[p.state];
          return {
            runlevel: rl.name,
            release: p.release.name,
            namespace: p.release.namespace,
            chart: `${p.release.chart.name}-${p.release.chart.version}`,
            revision: h?.revision,
            helmStatus: h?.status ?? 'absent',
            state,
            reason: p.reason,
            ready: h ? notReady.length === 0 : false,
            notReady,
            ...(p.drift ? { drift: p.drift.objects } : {}),
          };
        }),
      ),
    );
    const orphans = plan.prune.map((p) => ({
      runlevel: p.runlevel,
      release: p.name,
      namespace: p.namespace,
      state: 'removed from values',
    }));
    const deploys = record.deploys.slice(0, shownDeploys);
    const inSync =
      plan.runlevels.every((rl) => rl.waves.flat().every((p) => p.state === ReleaseState.InSync)) &&
      orphans.length === 0;

    if (config.output === 'json') {
      log.writeData(
        JSON.stringify({ cluster: resolved.cluster, inSync, releases, orphans, deploys }, null, 2),
      );
      return;
    }
    const rows = [
      ['RUNLEVEL', 'RELEASE', 'CHART', 'REV', 'STATE', 'READY'],
      ...releases.map((r) => [
        r.runlevel,
        r.release,
        r.chart,
        String(r.revision ?? '-'),
        r.state,
        r.ready ? 'yes' : `no${r.notReady.length ? ` (${r.notReady[0]})` : ''}`,
      ]),
      ...orphans.map((o) => [
        o.runlevel,
        o.release,
        '',
        '-',
        'removed from values (pruned by the next deploy)',
      ]),
    ];
    const widths = columnWidths(rows);
    const lines = [tableRow(rows[0] as string[], widths)];
    releases.forEach((r, i) => {
      lines.push(tableRow(rows[i + 1] as string[], widths));
      for (const d of r.drift ? driftLines({ objects: r.drift }) : []) lines.push(`${''.padEnd(13)}${d}`);
    });
    for (const row of rows.slice(releases.length + 1)) lines.push(tableRow(row, widths));
    lines.push('', 'last deploys:');
    for (const d of deploys) {
      const where = d.failure
        ? `  at ${[d.failure.runlevel, d.failure.release].filter(Boolean).join('/') || d.failure.step}: ${d.failure.message}`
        : '';
      lines.push(
        `  ${d.started}  ${d.outcome.padEnd(11)} values ${d.valuesCommit}  core ${d.coreVersion}${where}`,
      );
    }
    if (deploys.length === 0) lines.push('  none');
    lines.push(
      '',
      inSync
        ? 'values on disk match what is deployed'
        : 'values on disk differ from what is deployed: run `runlevel deploy`',
    );
    log.writeData(lines.join('\n'));
    return;
  },
};
