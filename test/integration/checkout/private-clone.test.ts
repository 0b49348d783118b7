// A test of the tests (issue 25): the tests that drop privileges (*.unprivileged.test.ts) pass from
// a clone inside a directory no other user may enter, as a clone in root's 0700 home or in a
// `mktemp -d` folder is. test/unit/shared/test-users.test.ts keeps every such test in those files.
import { cp, mkdtemp, realpath, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { installRoot } from '../../../core/shared/paths.js';
import { cleanEnv } from '../../helpers/cli.js';

test('the unprivileged tests pass from a clone inside a 0700 directory', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'runlevel-private-'));
  try {
    assert.is((await stat(parent)).mode & 0o777, 0o700, 'mkdtemp makes the directory 0700');
    const clone = join(parent, 'c');
    const git = await execa('git', ['clone', '--quiet', '--shared', installRoot, clone], { reject: false });
    assert.is(git.exitCode, 0, `git clone failed: ${git.stderr}`);
    // The clone is the committed tree; the compiled code under test is this checkout's dist/, and
    // node_modules and .tools are what `npm ci` and `make tools` would link in a clone anyway.
    await cp(join(installRoot, 'dist'), join(clone, 'dist'), { recursive: true });
    for (const link of ['node_modules', '.tools']) {
      await symlink(await realpath(join(installRoot, link)), join(clone, link));
    }
    const r = await execa(
      process.execPath,
      [join(clone, 'dist/test/run.js'), 'integration', '--match', '\\.unprivileged'],
      { cwd: clone, env: cleanEnv(), extendEnv: false, reject: false, all: true, timeout: 600_000 },
    );
    const total = /^(\d+) passed, (\d+) failed$/m.exec(String(r.stdout));
    assert.ok(total, `no "N passed, N failed" line from the clone's run:\n${String(r.all).slice(-4000)}`);
    assert.is(total[2], '0', `from the 0700 clone:\n${String(r.all).slice(-4000)}`);
    assert.ok(Number(total[1]) >= 1, 'the clone ran no unprivileged test');
    assert.is(r.exitCode, 0, String(r.all).slice(-4000));
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test.run();
