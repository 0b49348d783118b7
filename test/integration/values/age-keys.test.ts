// The age key lookup with the real sops and the real CLI: the recipient derived in node:crypto is
// the one sops encrypts to; every documented place finds the key of a repo cloned under another
// name; a key for another recipient is said as such, with every place listed (a key file that
// cannot be read: age-keys.unprivileged.test.ts).
import { mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findTool } from '../../../core/shared/tools.js';
import { ageKeyFileText, generateAgeIdentity, recipientOfIdentity } from '../../../core/values/age-key.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { cli, type Sandbox, sandbox, valuesRepo } from '../../helpers/values-harness.js';

let sb: Sandbox;
let parent = ''; // a directory of this test's own: only it is removed afterwards
let repo = '';
let identity = '';

test.before(async () => {
  sb = await sandbox();
  identity = /^AGE-SECRET-KEY-1\w+$/m.exec(readFileSync(sb.keyFile, 'utf8'))?.[0] ?? '';
  // Cloned under another name: the repo-name key (<dir name>.key) is nowhere.
  parent = realpathSync(await fixture({}, 'runlevel-age-keys-'));
  const made = await valuesRepo(sb);
  repo = join(parent, 'cloned-as-something-else');
  renameSync(made, repo);
});

test.after(async () => {
  assert.ok(parent.includes('runlevel-age-keys-'), parent);
  await removeFixture(parent);
  await removeFixture(sb.home);
});

test('the recipient derived from an identity is the one sops encrypts to and decrypts with', async () => {
  const sops = findTool('sops') ?? '';
  const id = generateAgeIdentity();
  const recipient = recipientOfIdentity(id.identity) ?? '';
  const env = { SOPS_DISABLE_VERSION_CHECK: '1', SOPS_AGE_KEY: id.identity, XDG_CONFIG_HOME: '/nonexistent' };
  const enc = await execa(sops, ['encrypt', '--age', recipient, '--filename-override', 'x.yaml'], {
    input: 'a: b\n',
    env,
  });
  assert.match(enc.stdout, `recipient: ${recipient}`);
  const dec = await execa(sops, ['decrypt', '--filename-override', 'x.yaml'], {
    input: enc.stdout,
    env,
  });
  assert.is(dec.stdout.trim(), 'a: b');
});

test('every place finds the key of a repo cloned under another name', async () => {
  const validate = (env: Record<string, string>) =>
    cli(sb, repo, ['validate'], { RUNLEVEL_AGE_KEY_FILE: '', XDG_CONFIG_HOME: '', ...env });
  const put = (rel: string) => {
    const file = join(sb.home, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, readFileSync(sb.keyFile), { mode: 0o600 });
    return file;
  };
  const places: [string, Record<string, string>][] = [
    ['--age-key-file', { RUNLEVEL_AGE_KEY_FILE: sb.keyFile }],
    ['SOPS_AGE_KEY', { SOPS_AGE_KEY: `${generateAgeIdentity().identity}\n${identity}` }],
    ['SOPS_AGE_KEY_FILE', { SOPS_AGE_KEY_FILE: put('sops-file/keys.txt') }],
    ['RUNLEVEL_AGE_KEY_DIR', { RUNLEVEL_AGE_KEY_DIR: dirname(put('keydir/the-original-name.key')) }],
    ['sops default', { XDG_CONFIG_HOME: dirname(dirname(dirname(put('xdg/sops/age/keys.txt')))) }],
  ];
  for (const [place, env] of places) {
    const r = await validate(env);
    assert.is(r.code, 0, `${place}: ${r.stderr}`);
  }
  // The default key directory under HOME, where `runlevel init` writes keys.
  put('.config/runlevel/age/not-this-repos-name.key');
  const r = await validate({});
  assert.is(r.code, 0, r.stderr);
  // A broken place before the right one does not stop sops: it is handed the chosen key only.
  mkdirSync(join(sb.home, 'a-directory'));
  const stray = await validate({ SOPS_AGE_KEY_FILE: join(sb.home, 'a-directory') });
  assert.is(stray.code, 0, stray.stderr);
});

test('a key for another recipient is named as not a recipient, and its secret never printed', async () => {
  const other = generateAgeIdentity();
  const file = join(sb.home, 'wrong.key');
  writeFileSync(file, ageKeyFileText(other), { mode: 0o600 });
  // No other place holds the right key (the test above left one in the default key directory).
  const empty = join(sb.home, 'empty');
  mkdirSync(empty);
  const r = await cli(sb, repo, ['validate'], {
    RUNLEVEL_AGE_KEY_FILE: file,
    XDG_CONFIG_HOME: empty,
    RUNLEVEL_AGE_KEY_DIR: empty,
  });
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `  - --age-key-file ${file}: holds the key of ${other.recipient}: not a recipient`);
  assert.not.match(r.stderr, other.identity);
});

test.run();
