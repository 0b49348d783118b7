// Temporary files never outlive a run: not after a second Ctrl-C (which stops what is in flight;
// a third exits at once), and what
// a run killed outright (kill -9) left behind is swept by the next run. Each signal is sent when
// the run's private directory appears in TMPDIR, so nothing here depends on timing.
import { existsSync, watch } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { cleanEnv } from '../../helpers/cli.js';

const valuesDir = join(coreRoot, 'test/fixtures/values/large');
const largeFixtureKey = join(coreRoot, 'test/fixtures/values/large.age.key');
let tmp: string;

test.before.each(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'interrupt-'));
  await mkdir(join(tmp, 'tmp'));
});

test.after.each(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function start(args: string[]): ResultPromise {
  return execa(
    `${coreRoot}/bin/runlevel`,
    [...args, '--values', valuesDir, '--cluster', 'prod-eu', '--age-key-file', largeFixtureKey],
    {
      env: { ...cleanEnv(), TMPDIR: join(tmp, 'tmp'), NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain' },
      extendEnv: false,
      reject: false,
      timeout: 300_000,
    },
  );
}

/** Resolves with the name of the run's own directory once it is made in dir. */
function runDirMade(dir: string): Promise<string> {
  return new Promise((resolve) => {
    const watcher = watch(dir, (_event, name) => {
      if (!name || !/^runlevel-\d+-\d+-[A-Za-z0-9]{6}$/.test(String(name))) return;
      watcher.close();
      resolve(String(name));
    });
  });
}

test("a second Ctrl-C stops what is in flight (exit 130) and still removes the run's temporary directory", async () => {
  const made = runDirMade(join(tmp, 'tmp'));
  const child = start(['check']);
  const name = await made;
  child.kill('SIGINT');
  child.kill('SIGINT');
  const r = await child;
  assert.is(r.exitCode, 130, String(r.stderr));
  assert.not.ok(existsSync(join(tmp, 'tmp', name)), `${name} is left behind`);
});

test("a third Ctrl-C exits at once (exit 130) and still removes the run's temporary directory", async () => {
  const made = runDirMade(join(tmp, 'tmp'));
  const child = start(['check']);
  const name = await made;
  for (let i = 0; i < 3; i++) child.kill('SIGINT');
  const r = await child;
  assert.is(r.exitCode, 130, String(r.stderr));
  assert.not.ok(existsSync(join(tmp, 'tmp', name)), `${name} is left behind`);
});

test('what a run killed with SIGKILL left behind is swept when the next run starts', async () => {
  const made = runDirMade(join(tmp, 'tmp'));
  const child = start(['check']);
  const name = await made;
  child.kill('SIGKILL');
  await child;
  assert.ok(existsSync(join(tmp, 'tmp', name)), 'left behind by the killed run');
  const next = await start(['validate']);
  assert.is(next.exitCode, 0, String(next.stderr));
  assert.not.ok(existsSync(join(tmp, 'tmp', name)), `${name} was not swept`);
});

test.run();
