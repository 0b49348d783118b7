// The age key lookup: every documented place, in order, chosen by the recipients the repo names;
// a missing place, a file that cannot be read and a key for another recipient each said as such.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import {
  ageKeyFileText,
  bech32Decode,
  generateAgeIdentity,
  recipientOfIdentity,
} from '../../../core/values/age-key.js';
import {
  chooseKey,
  keyPlaces,
  noKeyError,
  parseKeys,
  readPlaces,
  recipientsIn,
} from '../../../core/values/age-keys.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

test('the recipient of an identity is derived from the key itself (age-keygen -y)', () => {
  // A pair sops itself uses in the integration tier: large.sops.yaml is encrypted to this recipient.
  const text = readFileSync(join(coreRoot, 'test/fixtures/values/large.age.key'), 'utf8');
  const identity = /^AGE-SECRET-KEY-1\w+$/m.exec(text)?.[0] ?? '';
  assert.is(recipientOfIdentity(identity), 'age1jrjjpya26474sl6s5nxaejxxx6kfee2kvr9ekyax8vuc7zd6hp7s84gmqg');
  for (let i = 0; i < 5; i++) {
    const id = generateAgeIdentity();
    assert.is(recipientOfIdentity(id.identity), id.recipient);
    assert.is(recipientOfIdentity(id.identity.toLowerCase()), id.recipient, 'bech32 is case-insensitive');
  }
  // One changed character breaks the checksum; a recipient or a plugin identity is no identity.
  const id = generateAgeIdentity().identity;
  const broken = `${id.slice(0, 20)}${id[20] === 'Q' ? 'P' : 'Q'}${id.slice(21)}`;
  assert.is(recipientOfIdentity(broken), undefined);
  assert.is(recipientOfIdentity(generateAgeIdentity().recipient), undefined);
  assert.is(recipientOfIdentity('AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQ'), undefined);
  assert.is(bech32Decode('a12uel5l')?.data.length, 0);
  assert.is(bech32Decode('A12uEL5L'), undefined, 'mixed case');
});

test('key files: comments skipped, every identity read, plugin identities counted, junk is no key', () => {
  const [a, b] = [generateAgeIdentity(), generateAgeIdentity()];
  const f = parseKeys(`${ageKeyFileText(a)}\n# another\n${b.identity}\nAGE-PLUGIN-X-1ABC\n`);
  assert.equal(f, {
    state: 'keys',
    recipients: [a.recipient, b.recipient],
    identities: [a.identity, b.identity],
    others: 1,
  });
  assert.equal(parseKeys('not a key\n'), { state: 'empty' });
  assert.equal(recipientsIn(`creation_rules:\n  - age: ${a.recipient},${b.recipient}\n    path_regex: x\n`), [
    a.recipient,
    b.recipient,
  ]);
});

test('the places, in order: flag, SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, the key directory, sops default', () => {
  const places = keyPlaces(
    { ageKeyFile: '/k/flag.key', repoName: 'acme' },
    { HOME: '/home/u', SOPS_AGE_KEY: 'AGE-SECRET-KEY-1X', SOPS_AGE_KEY_FILE: '/k/sops.key' },
  );
  assert.equal(
    places.map((p) => [p.label, p.path ?? p.text ?? '']),
    [
      ['--age-key-file /k/flag.key', '/k/flag.key'],
      ['SOPS_AGE_KEY', 'AGE-SECRET-KEY-1X'],
      ['SOPS_AGE_KEY_FILE /k/sops.key', '/k/sops.key'],
      ['key directory /home/u/.config/runlevel/age', '/home/u/.config/runlevel/age'],
      ["sops's default", '/home/u/.config/sops/age/keys.txt'],
    ],
  );
  const image = keyPlaces(
    { ageKeyFile: undefined, repoName: 'values' },
    { HOME: '/nonexistent', RUNLEVEL_AGE_KEY_DIR: '/keys', XDG_CONFIG_HOME: '/x' },
  );
  assert.equal(image[0], { label: '--age-key-file / RUNLEVEL_AGE_KEY_FILE', kind: 'unset' });
  assert.is(image[3]?.label, 'RUNLEVEL_AGE_KEY_DIR /keys');
  assert.is(image[4]?.path, '/x/sops/age/keys.txt');
});

test('each place alone finds the key whose recipient the repo names; the first match wins', async () => {
  const want = generateAgeIdentity();
  const other = generateAgeIdentity();
  const home = await fixture({}, 'runlevel-keys-');
  try {
    const put = (rel: string, ids: string[]) => {
      mkdirSync(join(home, rel, '..'), { recursive: true });
      writeFileSync(join(home, rel), ids.join('\n'), { mode: 0o600 });
      return join(home, rel);
    };
    const wanted = { fromFile: [want.recipient], fromSopsYaml: [] };
    const pick = async (ageKeyFile: string | undefined, env: NodeJS.ProcessEnv) =>
      chooseKey(
        await readPlaces(keyPlaces({ ageKeyFile, repoName: 'acme' }, { HOME: home, ...env })),
        wanted,
      );

    const flag = put('flag.key', [other.identity, want.identity]);
    assert.equal((await pick(flag, {}))?.identities, [want.identity], 'only the matching identity');
    assert.is((await pick(flag, {}))?.candidate.file, flag);
    assert.equal(
      (await pick(undefined, { SOPS_AGE_KEY: `${other.identity}\n${want.identity}` }))?.identities,
      [want.identity],
    );
    assert.is((await pick(undefined, { SOPS_AGE_KEY: want.identity }))?.candidate.file, undefined);
    const sopsFile = put('sops.key', [want.identity]);
    assert.is((await pick(undefined, { SOPS_AGE_KEY_FILE: sopsFile }))?.candidate.file, sopsFile);
    // The key directory: the repo-name key, or any other *.key (a repo cloned under another name).
    const dir = join(home, 'keys');
    const renamed = put('keys/some-other-name.key', [want.identity]);
    assert.is((await pick(undefined, { RUNLEVEL_AGE_KEY_DIR: dir }))?.candidate.file, renamed);
    const byName = put('keys/acme.key', [want.identity]);
    assert.is(
      (await pick(undefined, { RUNLEVEL_AGE_KEY_DIR: dir }))?.candidate.file,
      byName,
      'repo name first',
    );
    const xdg = put('.config/runlevel/age/x.key', [want.identity]);
    assert.is((await pick(undefined, {}))?.candidate.file, xdg, 'the default key directory under HOME');
    const sopsDefault = put('cfg/sops/age/keys.txt', [want.identity]);
    assert.is((await pick(undefined, { XDG_CONFIG_HOME: join(home, 'cfg') }))?.candidate.file, sopsDefault);
    // A wrong key in an earlier place does not hide the right one in a later place.
    assert.is(
      (await pick(put('wrong.key', [other.identity]), { SOPS_AGE_KEY_FILE: sopsFile }))?.candidate.file,
      sopsFile,
    );
    assert.is(await pick(put('wrong2.key', [other.identity]), { HOME: join(home, 'none') }), undefined);
  } finally {
    await removeFixture(home);
  }
});

test("the file's own recipients come first: .sops.yaml may name a newer key the file was not re-encrypted to", () => {
  const [oldKey, newKey] = [generateAgeIdentity(), generateAgeIdentity()];
  const candidates = [
    { label: 'new', file: '/k/new.key', finding: parseKeys(newKey.identity) },
    { label: 'old', file: '/k/old.key', finding: parseKeys(oldKey.identity) },
  ];
  const both = { fromFile: [oldKey.recipient], fromSopsYaml: [newKey.recipient] };
  assert.is(chooseKey(candidates, both)?.candidate.label, 'old');
  assert.is(
    chooseKey(candidates, { fromFile: [], fromSopsYaml: [newKey.recipient] })?.candidate.label,
    'new',
  );
  assert.is(chooseKey(candidates, { fromFile: ['age1other'], fromSopsYaml: [] }), undefined);
  assert.is(
    chooseKey(candidates, { fromFile: [], fromSopsYaml: [] })?.candidate.label,
    'new',
    'nothing named',
  );
});

test('the error lists every place: not set, missing, unreadable, not a recipient', async () => {
  const want = generateAgeIdentity();
  const other = generateAgeIdentity();
  const home = await fixture(
    { 'other.key': ageKeyFileText(other), 'keys/acme.key': 'junk\n' },
    'runlevel-keys-',
  );
  try {
    // A directory where a key file should be: a file that exists and cannot be read as one. (A
    // permission denied needs another user than root: test/integration/values/age-keys.test.ts.)
    mkdirSync(join(home, 'dir.key'));
    chmodSync(join(home, 'other.key'), 0o600);
    const candidates = await readPlaces(
      keyPlaces(
        { ageKeyFile: join(home, 'gone.key'), repoName: 'acme' },
        { HOME: home, SOPS_AGE_KEY_FILE: join(home, 'other.key'), RUNLEVEL_AGE_KEY_DIR: join(home, 'keys') },
      ).concat({ label: 'extra', kind: 'file', path: join(home, 'dir.key') }),
    );
    const err = noKeyError(
      'clusters/dev/secrets.sops.yaml',
      { fromSopsYaml: [want.recipient], fromFile: [want.recipient] },
      candidates,
      false,
    );
    assert.is(
      err.message.replaceAll(home, '<home>'),
      [
        `cannot decrypt clusters/dev/secrets.sops.yaml: no age key for its recipient ${want.recipient} (named by .sops.yaml); looked in:`,
        '  - --age-key-file <home>/gone.key: <home>/gone.key does not exist',
        '  - SOPS_AGE_KEY: not set',
        `  - SOPS_AGE_KEY_FILE <home>/other.key: holds the key of ${other.recipient}: not a recipient`,
        '  - RUNLEVEL_AGE_KEY_DIR <home>/keys: acme.key: <home>/keys/acme.key holds no age identity',
        "  - sops's default: <home>/.config/sops/age/keys.txt does not exist",
        '  - extra: <home>/dir.key exists but cannot be read (it is a directory)',
      ].join('\n'),
    );
    assert.match(err.hint ?? '', /cannot read/);
    assert.is(err.exitCode, 2);
    assert.not.match(err.message, other.identity);
    const inImage = noKeyError(
      'f',
      { fromSopsYaml: [], fromFile: [want.recipient] },
      candidates.slice(0, 5),
      true,
    );
    assert.match(inImage.message, '(named by the file)');
    assert.match(inImage.hint ?? '', '-v ~/.config/runlevel/age:/keys:ro');
  } finally {
    await removeFixture(home);
  }
});

test.run();
