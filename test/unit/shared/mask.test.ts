import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { base64Fragments, MASK, SecretMask } from '../../../core/shared/mask.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function masking(...secrets: string[]): SecretMask {
  const m = new SecretMask();
  for (const s of secrets) m.add(s);
  return m;
}

test('nothing registered: text passes unchanged', () => {
  assert.is(new SecretMask().mask('password: hunter22'), 'password: hunter22');
});

test('a value too short to mask without masking ordinary words is refused, not registered', () => {
  const m = new SecretMask();
  assert.is(m.add('abc'), false);
  assert.is(m.size, 0);
  assert.is(m.add('abcd'), true);
});

test('the plain value, wherever it stands and whatever key holds it', () => {
  const m = masking('Zq8-hunter22');
  assert.is(m.mask('x: Zq8-hunter22\nurl=https://u:Zq8-hunter22@h/'), `x: ${MASK}\nurl=https://u:${MASK}@h/`);
});

test('JSON- and YAML-escaped forms of a value holding " and \\', () => {
  const secret = 'p"w\\d\'9!x';
  const m = masking(secret);
  const json = JSON.stringify({ message: `token ${secret}` });
  assert.not.match(m.mask(json), 'w\\\\d', 'JSON-escaped');
  assert.is(m.mask(json), JSON.stringify({ message: `token ${MASK}` }));
  const twice = JSON.stringify({ text: json });
  assert.ok(!m.mask(twice).includes('9!x'), `JSON in JSON: ${m.mask(twice)}`);
  for (const style of ['QUOTE_DOUBLE', 'QUOTE_SINGLE', 'PLAIN'] as const) {
    const yaml = stringify({ password: secret }, { defaultStringType: style });
    assert.ok(!m.mask(yaml).includes('9!x'), `${style}: ${m.mask(yaml)}`);
  }
});

test('base64 of the value, and of text holding it (user:password), masked whole', () => {
  const m = masking('hunter22-pw');
  assert.is(m.mask(`password: ${b64('hunter22-pw')}`), `password: ${MASK}`);
  assert.is(m.mask(`auth: ${b64('puller:hunter22-pw')}`), `auth: ${MASK}`);
  assert.is(m.mask(`auth: "${b64('puller:hunter22-pw').replace(/=+$/, '')}"`), `auth: "${MASK}"`);
});

test('nested base64: a .dockerconfigjson whose auth is base64 of user:password', () => {
  // A password whose plain form never appears in the config: only its base64 inside base64.
  const m = masking('hunter22-pw');
  const auth = b64('puller:hunter22-pw');
  const config = b64(JSON.stringify({ auths: { 'registry.example.com': { username: 'puller', auth } } }));
  const out = m.mask(`data:\n  .dockerconfigjson: ${config}\n`);
  assert.is(out, `data:\n  .dockerconfigjson: ${MASK}\n`);
});

test('base64 of the value at any byte offset inside a longer blob, glued to other characters', () => {
  const secret = 'hunter22-pw';
  const m = masking(secret);
  for (const prefix of ['', 'a', 'ab', 'abc']) {
    const blob = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(`${prefix}${secret}\u0000`)]);
    // Binary data does not decode to text: only the alignment runs can find the value.
    const text = `x-${blob.toString('base64')}-y`;
    const out = m.mask(text);
    assert.not.ok(out.includes(blob.toString('base64')), `offset ${prefix.length}: ${out}`);
    assert.ok(out.includes(MASK), out);
  }
  const urlSafe = Buffer.from(`??>${secret}`).toString('base64url');
  assert.not.ok(m.mask(urlSafe).includes(urlSafe.slice(4)));
});

test('the alignment runs are exactly what the value alone determines', () => {
  const runs = base64Fragments('hunter22-pw');
  for (const prefix of ['', 'x', 'xy']) {
    const encoded = b64(`${prefix}hunter22-pw`);
    assert.ok(
      runs.some((r) => encoded.includes(r)),
      `offset ${prefix.length}`,
    );
  }
  assert.equal(
    base64Fragments('short'),
    [],
    'a five-byte value gives runs short enough to turn up by chance',
  );
});

test('a number from a sops file: its digits, and the float string helm prints for it', () => {
  const m = masking('12345678');
  assert.is(m.mask('value: "12345678"'), `value: "${MASK}"`);
  assert.is(m.mask('value: 1.2345678e+07'), `value: ${MASK}`);
  assert.is(masking('10000000').mask('n: 1e+07'), `n: ${MASK}`);
});

test('each line of a multi-line value, as a YAML block scalar prints it', () => {
  const key = '-----BEGIN KEY-----\nMIIBVwIBADANBgkqhkiG9w0BAQEFAASCAUEw\n-----END KEY-----';
  const m = masking(key);
  const yaml = stringify({ tls: { key } });
  assert.not.match(m.mask(yaml), 'MIIBVwIBADANBgkqhkiG9w0BAQEFAASCAUEw');
});

test('ordinary text and unrelated base64 stay as they are', () => {
  const m = masking('hunter22-pw');
  const text = `kind: ConfigMap\ndata:\n  ca.crt: ${b64('-----BEGIN CERTIFICATE-----\nabc\n')}\n  replicas: "3"\n`;
  assert.is(m.mask(text), text);
});

test('several secrets: the longer one first, so a secret inside another leaves nothing behind', () => {
  const m = masking('hunter', 'hunter22-long');
  assert.is(m.mask('a hunter22-long b hunter'), `a ${MASK} b ${MASK}`);
});

test.run();
