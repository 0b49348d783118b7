import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ageKeyFileText, bech32, generateAgeIdentity, recipientOf } from '../../../core/values/age-key.js';

test('bech32 matches the BIP 173 test vectors', () => {
  assert.is(bech32('a', new Uint8Array()), 'a12uel5l');
  // "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw" encodes the 5-bit words 0..31, i.e. these 20 bytes
  const bytes = Buffer.from('00443214c74254b635cf84653a56d7c675be77df', 'hex');
  assert.is(bech32('abcdef', bytes), 'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw');
});

test('a new identity looks like age-keygen output and its public key can be read back', () => {
  const id = generateAgeIdentity();
  assert.match(id.recipient, /^age1[02-9ac-hj-np-z]{58}$/);
  assert.match(id.identity, /^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/);
  const text = ageKeyFileText(id, new Date('2025-01-02T03:04:05.678Z'));
  assert.is(text.split('\n')[0], '# created: 2025-01-02T03:04:05Z');
  assert.is(recipientOf(text), id.recipient);
  assert.is.not(generateAgeIdentity().identity, id.identity);
});

test.run();
