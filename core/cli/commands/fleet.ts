// runlevel fleet status: one line per cluster of runlevel.yaml, the rows of the fleet page.

import { parseDuration } from '../../deploy/plan.js';
import { fleetSummary } from '../../serve/index.js';
import type { FleetRow } from '../../serve/types.js';
import { UserError } from '../../shared/errors.js';
import { log } from '../../shared/log.js';
import type { Command } from '../command.js';
import { readFleetStatus } from '../fleet-source.js';
import { coreVersion } from './version.js';

const marks: Record<FleetRow['health'], string> = {
  healthy: '✔',
  degraded: '≠',
  unreachable: '✗',
  unknown: '?',
};

export const command: Command = {
  summary:
    'every cluster of runlevel.yaml: core, commit, releases in sync/drifted/failed, last deploy, reachable',
  usage: 'runlevel fleet status [-o json] [--timeout 60s]',
  options: {
    timeout: { type: 'string', help: 'how long one cluster may take to read (default 60s)' },
  },
  async run({ config, args, flags }) {
    if (args[0] !== 'status') {
      throw new UserError(`unknown fleet command "${args[0] ?? ''}"`, {
        hint: 'runlevel fleet status [-o json]',
      });
    }
    const timeoutMs = flags.timeout === undefined ? 60_000 : parseDuration(String(flags.timeout));
    if (timeoutMs === undefined)
      throw new UserError(`--timeout ${String(flags.timeout)} is not a duration`, { hint: 'use 30s or 2m' });
    const fleet = await readFleetStatus(config, {
      probeMs: Math.min(5000, timeoutMs),
      timeoutMs,
      serving: coreVersion(),
    });
    if (config.output === 'json') {
      log.writeData(JSON.stringify(fleet, null, 2));
      return;
    }
    log.writeData(formatFleet(fleet.clusters));
  },
};

export function formatFleet(rows: readonly FleetRow[]): string {
  const head = [
    'CLUSTER',
    'ENV',
    'HEALTH',
    'PINNED',
    'DEPLOYED',
    'COMMIT',
    'IN SYNC',
    'DRIFTED',
    'FAILED',
    'LAST DEPLOY',
  ];
  const table = rows.map((r) => [
    r.cluster,
    r.environment,
    `${marks[r.health]} ${r.health}`,
    r.core.pinned,
    r.core.deployed ?? '-',
    r.commit ?? '-',
    String(r.counts?.['in-sync'] ?? '-'),
    String(r.counts?.drifted ?? '-'),
    String(r.counts?.failed ?? '-'),
    r.lastDeploy
      ? `${r.lastDeploy.outcome} ${r.lastDeploy.started.slice(0, 16).replace('T', ' ')}${r.lastDeploy.failedAt ? ` at ${r.lastDeploy.failedAt}` : ''}`
      : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = [line(head), ...table.map(line)];
  for (const r of rows) if (r.error) lines.push(`  ${r.cluster}: ${r.error}`);
  lines.push('', fleetSummary(rows).word);
  return lines.join('\n');
}
