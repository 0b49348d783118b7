// A key file that exists but cannot be read is said so, apart from "not found", with every place
// listed. Run without root's power to read any file (test/helpers/unprivileged.ts), so a 0000 key
// is unreadable with no second user, from any clone (the 0700-clone self-check runs this file).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { removeFixture } from '../../helpers/fixture.js';
import { cli, type Sandbox, sandbox, valuesRepo } from '../../helpers/values-harness.js';

let sb: Sandbox;
let repo = '';

test.before(async () => {
  sb = await sandbox();
  repo = await valuesRepo(sb);
});

test.after(async () => {
  if (repo) await removeFixture(repo);
  if (sb) await removeFixture(sb.home);
});

test('a key file that exists but cannot be read is said so, apart from "not found"', async () => {
  const keys = join(sb.home, 'keys');
  mkdirSync(keys);
  writeFileSync(join(keys, 'values.key'), readFileSync(sb.keyFile));
  chmodSync(join(keys, 'values.key'), 0o000);
  const r = await cli(
    sb,
    repo,
    ['validate'],
    { RUNLEVEL_AGE_KEY_FILE: '', RUNLEVEL_AGE_KEY_DIR: keys },
    true,
  );
  assert.is(r.code, 2, r.stderr);
  const lines = r.stderr.replaceAll(sb.home, '<h>').split('\n');
  assert.ok(
    lines.includes(
      '  - RUNLEVEL_AGE_KEY_DIR <h>/keys: values.key: <h>/keys/values.key exists but cannot be read (permission denied)',
    ),
    r.stderr,
  );
  assert.ok(lines.includes('  - SOPS_AGE_KEY: not set'), r.stderr);
  assert.ok(lines.includes("  - sops's default: <h>/.config/sops/age/keys.txt does not exist"), r.stderr);
  assert.match(r.stderr, `no age key for its recipient ${sb.recipient} (named by .sops.yaml)`);
  assert.match(r.stderr, 'hint: a key file this user cannot read: run as its owner');
  assert.not.match(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
});

test.run();
