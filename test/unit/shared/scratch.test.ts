// Temporary directories: private, gone after use, and what a killed run left is swept next time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  procStartTime,
  removeScratchSync,
  sweepStaleScratch,
  withScratchDir,
} from '../../../core/shared/scratch.js';

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
    const oldLegacy = make('runlevel-check-Ab12Cd');
    const newLegacy = make('runlevel-values-Ab12Cd');
    const unrelated = make('runlevel-notes');
    const hour = 60 * 60;
    utimesSync(oldLegacy, Date.now() / 1000 - 2 * hour, Date.now() / 1000 - 2 * hour);
    const swept = sweepStaleScratch(dir).sort();
    assert.equal(swept, [dead, reused, oldLegacy].sort());
    assert.equal(
      readdirSync(dir).sort(),
      [live, newLegacy, unrelated].map((p) => p.slice(dir.length + 1)).sort(),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a TMPDIR that cannot be read is no reason to fail', () => {
  assert.equal(sweepStaleScratch(join(tmpdir(), 'no-such-dir-for-runlevel')), []);
});

test.run();
