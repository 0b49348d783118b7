// What a rollout says: one line per step (validated, stage, cluster, gate) for people, the same as
// JSON events with -o json, and a summary table per cluster at the end.
import type { ClusterSummary, RolloutEvent, RolloutResult } from '../rollout/run.js';
import { log } from '../shared/log.js';
import { formatTable } from '../shared/table.js';

const secs = (ms: number) => `${Math.round(ms / 1000)}s`;

export function logRolloutEvent(e: RolloutEvent): void {
  switch (e.kind) {
    case 'validated':
      if (e.ok) log.event({ kind: 'rollout', mark: 'done', message: `${e.cluster}: valid`, data: e });
      else log.event({ kind: 'rollout', mark: 'fail', message: `${e.cluster}: ${e.why}`, data: e });
      return;
    case 'stage': {
      const message = {
        start: `stage ${e.stage}: deploying`,
        soaking: `stage ${e.stage}: soaking ${secs(e.soakMs ?? 0)}, the gate read every poll`,
        held: `stage ${e.stage}: gate held`,
        failed: `stage ${e.stage}: stopped`,
      }[e.state];
      const mark =
        e.state === 'failed'
          ? 'fail'
          : e.state === 'held'
            ? 'done'
            : e.state === 'soaking'
              ? 'waiting'
              : 'start';
      log.event({ kind: 'stage', mark, message, data: e });
      return;
    }
    case 'cluster': {
      const r = e.result;
      const where = r?.failure ? [r.failure.runlevel, r.failure.release].filter(Boolean).join(' / ') : '';
      const message =
        e.state === 'deploying'
          ? `${e.cluster}: deploying (stage ${e.stage})`
          : e.state === 'deployed'
            ? `${e.cluster}: deployed (${r?.seconds.toFixed(1)}s)`
            : `${e.cluster}: ${e.state}${where ? ` at ${where}` : ''}${r?.failure ? `: ${r.failure.message}` : ''}`;
      const mark = e.state === 'deploying' ? 'start' : e.state === 'deployed' ? 'done' : 'fail';
      log.event({ kind: 'cluster', mark, message, data: { ...e } });
      return;
    }
    case 'gate': {
      const v = e.verdict;
      const message = v.holds
        ? `${v.cluster}: gate holds (${secs(e.remainingMs)} of soak left)`
        : `${v.cluster}: gate fails: ${v.reasons.map((r) => r.message).join('; ')}`;
      log.event({
        kind: 'gate',
        mark: v.holds ? 'info' : 'fail',
        message,
        data: { stage: e.stage, ...v, remainingMs: e.remainingMs },
      });
    }
  }
}

export function summaryRows(clusters: readonly ClusterSummary[]): string {
  const rows = clusters.map((c) => [
    c.cluster,
    c.stage,
    c.state,
    c.seconds === undefined ? '-' : `${c.seconds.toFixed(1)}s`,
    [c.at?.runlevel, c.at?.release].filter(Boolean).join(' / ') || '-',
    c.why?.join('; ') ?? '',
  ]);
  return formatTable([['CLUSTER', 'STAGE', 'STATE', 'DEPLOY', 'AT', 'WHY'], ...rows]).join('\n');
}

/** The summary: a table for people, one JSON document for -o json (data on stdout either way). */
export function writeSummary(result: RolloutResult, json: boolean): void {
  if (json) log.writeData(JSON.stringify(result, null, 2));
  else log.writeData(summaryRows(result.clusters));
}
