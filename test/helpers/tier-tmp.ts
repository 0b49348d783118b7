// Every tier runs with a private TMPDIR that must be empty when the tier ends: a test that leaves a
// temporary file or directory behind fails the tier by name, instead of filling the machine's /tmp.
import { readdirSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh TMPDIR for one tier: world-writable and sticky like /tmp, so a test user other than ours can use it too. */
export async function tierTmpdir(tier: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `runlevel-tier-${tier}-`));
  await chmod(dir, 0o1777);
  return dir;
}

/**
 * What the tier left in its TMPDIR (sorted, each with the first names inside it: they tell which
 * test made it), then the directory removed: it was ours.
 */
export async function leftoversRemoved(dir: string): Promise<string[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  const described = names.map((n) => {
    let inside: string[] = [];
    try {
      inside = readdirSync(join(dir, n)).sort();
    } catch {
      return n; // a file, or gone meanwhile
    }
    const first = inside.slice(0, 4).join(', ');
    return `${n}/ (${first}${inside.length > 4 ? ', …' : ''})`;
  });
  await rm(dir, { recursive: true, force: true });
  return described;
}

/** The failure line for leftovers: which entries, so the test that made them can be found by prefix. */
export function leftoverReport(tier: string, names: string[]): string {
  const shown = names.slice(0, 30).map((n) => `    ${n}`);
  const more = names.length > shown.length ? [`    … and ${names.length - shown.length} more`] : [];
  return [
    `✗ tier ${tier} left ${names.length} entr${names.length === 1 ? 'y' : 'ies'} in its TMPDIR (a test did not remove what it made):`,
    ...shown,
    ...more,
  ].join('\n');
}
