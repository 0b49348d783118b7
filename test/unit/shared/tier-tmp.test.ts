// The runner's guard: a tier's private TMPDIR is reported entry by entry when a test left
// something in it, and removed either way.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { leftoverReport, leftoversRemoved, tierTmpdir } from '../../helpers/tier-tmp.js';

test('an empty tier directory reports nothing and is removed', async () => {
  const dir = await tierTmpdir('unit-self');
  assert.is(statSync(dir).mode & 0o7777, 0o1777, 'sticky and world-writable, like /tmp');
  assert.equal(await leftoversRemoved(dir), []);
  assert.not.ok(existsSync(dir));
});

test('what a test left is named, with what is inside it, and removed', async () => {
  const dir = await tierTmpdir('unit-self');
  mkdirSync(join(dir, 'runlevel-values-abc123/common'), { recursive: true });
  writeFileSync(join(dir, 'runlevel-values-abc123/runlevel.yaml'), 'core: "0.1.0"\n');
  writeFileSync(join(dir, 'stray.txt'), '');
  const left = await leftoversRemoved(dir);
  assert.equal(left, ['runlevel-values-abc123/ (common, runlevel.yaml)', 'stray.txt']);
  assert.not.ok(existsSync(dir));
  const report = leftoverReport('integration', left);
  assert.match(report, /^✗ tier integration left 2 entries in its TMPDIR/);
  assert.match(report, /\n {4}runlevel-values-abc123\/ \(common, runlevel\.yaml\)\n {4}stray\.txt$/);
});

test.run();
