// The rehearsal for people: the values migration (a unified diff per file), then what the new core
// renders differently from the current one, then what it would change on the cluster, and one
// summary line. Secrets: Secret objects are masked by the object diff, sops plaintext by the
// logger's mask when the text is written.
import { formatReleases, type Paint } from '../diff/format.js';
import type { Comparison, UpgradeReport } from './types.js';

const plain: Paint = (_c, text) => text;

export function formatUpgradeText(r: UpgradeReport, paint: Paint = plain): string {
  const lines: string[] = [];
  const contract =
    r.from.contract === r.to.contract
      ? `values contract ${r.to.contract} (unchanged)`
      : `values contract ${r.from.contract} → ${r.to.contract}`;
  lines.push(paint('bold', `upgrade ${r.cluster}: core ${r.from.core} → ${r.to.core}, ${contract}`));
  lines.push('');
  lines.push(
    paint(
      'bold',
      `values: ${count(r.migrations.length, 'migration')}, ${count(r.values.length, 'file')} changed`,
    ),
  );
  for (const m of r.migrations) lines.push(`  ${m.to}: ${m.title}`);
  for (const v of r.values) for (const d of v.diff.trimEnd().split('\n')) lines.push(`  ${d}`);
  for (const o of r.otherClusters) {
    lines.push(
      paint(
        'yellow',
        `  ⚠ ${o.cluster} is pinned to core ${o.core}, which reads the old contract: it refuses these values until its pin moves too`,
      ),
    );
  }
  lines.push('');
  lines.push(paint('bold', `render: core ${r.to.core} against core ${r.from.core}`));
  lines.push(...section(r.render, paint));
  lines.push('');
  lines.push(paint('bold', `cluster: core ${r.to.core} against what is deployed on ${r.cluster}`));
  lines.push(...section(r.live, paint));
  lines.push('');
  lines.push(summary(r));
  if (r.written) {
    lines.push(
      r.written.commit
        ? `written: ${count(r.written.files.length, 'file')} in commit ${r.written.commit}`
        : `written: ${count(r.written.files.length, 'file')} (not a git repo: not committed)`,
    );
  }
  return lines.join('\n');
}

function section(c: Comparison, paint: Paint): string[] {
  if (c.releases.length === 0) return [`  no changes (${count(c.unchanged, 'release')} the same)`];
  return formatReleases(c.releases, paint);
}

function summary(r: UpgradeReport): string {
  const part = (c: Comparison) =>
    `${count(c.releases.length, 'release')} (${c.objects.added} added, ${c.objects.changed} changed, ${c.objects.removed} removed objects), ${c.unchanged} unchanged`;
  return `core ${r.to.core} changes ${part(r.render)} against core ${r.from.core}; on the cluster: ${part(r.live)}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
