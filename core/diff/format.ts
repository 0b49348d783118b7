// The diff for people: runlevel by runlevel, each release with its objects, and a unified diff
// under every changed object. Colour comes from the caller's painter (the logger's, on a TTY).
import { driftLines } from '../drift/describe.js';
import type { ObjectId } from './objects.js';
import type { DiffReport, ReleaseDiff } from './types.js';

export type Paint = (color: 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold', text: string) => string;

const plain: Paint = (_c, text) => text;

export function formatDiffText(report: DiffReport, paint: Paint = plain): string {
  const lines = formatReleases(report.releases, paint);
  if (report.releases.length > 0) lines.push('');
  lines.push(summaryLine(report));
  return lines.join('\n');
}

/** The releases under their runlevel headings, each with its objects (the upgrade rehearsal's too). */
export function formatReleases(releases: readonly ReleaseDiff[], paint: Paint = plain): string[] {
  const lines: string[] = [];
  let runlevel = '';
  for (const r of releases) {
    if (r.runlevel !== runlevel) {
      runlevel = r.runlevel;
      lines.push(paint('bold', `runlevel ${runlevel}`));
    }
    lines.push(...releaseLines(r, paint));
  }
  return lines;
}

function releaseLines(r: ReleaseDiff, paint: Paint): string[] {
  const { added, removed, changed } = r.objects;
  if (r.action === 'repair') {
    const lines = [paint('yellow', `  ~ ${r.release} (${r.namespace}): repair (${r.reason})`)];
    for (const d of r.drift ? driftLines(r.drift) : []) lines.push(paint('yellow', `      ${d}`));
    return lines;
  }
  const head =
    r.action === 'install'
      ? paint('green', `  + ${r.release} (${r.namespace}): install, ${count(added.length, 'object')}`)
      : r.action === 'prune'
        ? paint('red', `  - ${r.release} (${r.namespace}): prune, ${count(removed.length, 'object')}`)
        : paint(
            'yellow',
            `  ~ ${r.release} (${r.namespace}): upgrade (${r.reason}): ${[
              `${added.length} added`,
              `${changed.length} changed`,
              `${removed.length} removed`,
            ].join(', ')}`,
          );
  const lines = [head];
  for (const d of r.drift ? driftLines(r.drift) : []) lines.push(paint('yellow', `      ${d}`));
  for (const o of added) lines.push(paint('green', `      + ${label(o)}`));
  for (const o of removed) lines.push(paint('red', `      - ${label(o)}`));
  for (const o of changed) {
    const left = o.leftOut
      ? ` (left out, rendered with ${o.leftOut.varies.join(' and ')}: ${o.leftOut.fields.join(', ')})`
      : '';
    lines.push(paint('yellow', `      ~ ${label(o)}${left}`));
    for (const d of o.diff.trimEnd().split('\n')) lines.push(`        ${colourLine(d, paint)}`);
  }
  for (const o of r.objects.varying ?? []) {
    lines.push(
      paint(
        'dim',
        `      ? ${label(o)}: differs, but it is rendered with ${o.varies.join(' and ')}: not a change a deploy is sure to make`,
      ),
    );
  }
  if (r.action === 'upgrade' && added.length + removed.length + changed.length === 0) {
    lines.push(paint('dim', '      (no object changes: a new helm revision with the same objects)'));
  }
  return lines;
}

function colourLine(line: string, paint: Paint): string {
  if (line.startsWith('+++') || line.startsWith('---')) return paint('bold', line);
  if (line.startsWith('@@')) return paint('cyan', line);
  if (line.startsWith('+')) return paint('green', line);
  if (line.startsWith('-')) return paint('red', line);
  return line;
}

function label(o: ObjectId): string {
  return `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function summaryLine(report: DiffReport): string {
  if (report.changes === 0) return `no changes: ${count(report.unchanged, 'release')} match what is deployed`;
  const by = (a: string) => report.releases.filter((r) => r.action === a).length;
  const repair = by('repair') > 0 ? `, ${by('repair')} to repair` : '';
  return `${count(report.changes, 'release')} to change: ${by('install')} to install, ${by('upgrade')} to upgrade${repair}, ${by('prune')} to prune (${report.unchanged} unchanged)`;
}
