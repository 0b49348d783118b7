// Temporary directories: private, gone after use, and what a killed run left is swept next time.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { procStartTime } from '../../../core/shared/proc.js';
import { removeScratchSync, sweepStaleScratch, withScratchDir } from '../../../core/shared/scratch.js';

/** A PID whose process has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid as number;
}

test("a scratch directory is private (0700) inside this run's own directory, and gone afterwards", async () => {
  let seen = '';
  await withScratchDir('crd-schemas', async (dir) => {
    seen = dir;
    assert.is(statSync(dir).mode & 0o777, 0o700);
    const run = join(dir, '..');
    assert.is(statSync(run).mode & 0o777, 0o700);
    assert.match(run, new RegExp(`/runlevel-${process.pid}-${procStartTime(process.pid)}-[A-Za-z0-9]{6}$`));
  });
  assert.not.ok(existsSync(seen));
  removeScratchSync();
  assert.not.ok(existsSync(join(seen, '..')), 'the run directory goes too on exit');
});

test("the sweep removes a dead run's directory and a reused PID's, keeps a live run's and others'", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
  try {
    const make = (name: string) => {
      mkdirSync(join(dir, name));
      return join(dir, name);
    };
    const dead = make(`runlevel-${deadPid()}-123-abcdef`);
    const live = make(`runlevel-${process.pid}-${procStartTime(process.pid)}-abcdef`);
    const reused = make(`runlevel-${process.pid}-1-abcdef`); // our PID, another start time: not ours
    const oldLegacy = make('runlevel-values-Ab12Cd'); // an earlier version's merged values
    writeFileSync(join(oldLegacy, 'values.yaml'), '{}');
    const newLegacy = make('runlevel-check-Ab12Cd');
    mkdirSync(join(newLegacy, 'render'));
    const oldOther = make('runlevel-values-Zz12Cd'); // same name, not our content (a test's values repo)
    writeFileSync(join(oldOther, 'runlevel.yaml'), '');
    const unrelated = make('runlevel-notes');
    const twoHoursAgo = Date.now() / 1000 - 2 * 60 * 60;
    for (const p of [oldLegacy, oldOther, unrelated]) utimesSync(p, twoHoursAgo, twoHoursAgo);
    const swept = sweepStaleScratch(dir).sort();
    assert.equal(swept, [dead, reused, oldLegacy].sort());
    assert.equal(
      readdirSync(dir).sort(),
      [live, newLegacy, oldOther, unrelated].map((p) => p.slice(dir.length + 1)).sort(),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a TMPDIR that cannot be read is no reason to fail', () => {
  assert.equal(sweepStaleScratch(join(tmpdir(), 'no-such-dir-for-runlevel')), []);
});

test.run();
