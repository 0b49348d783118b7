// The changes migrate hands to `sops set` / `sops unset`: only what differs, sets before unsets
// (a parent is never emptied on the way), and sops's index syntax for any key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sopsIndex, sopsOps } from '../../../core/migrate/sops.js';

test('a move within a map: the new branch set, then the old key unset; untouched values not named', () => {
  const before = { platform: { sso: { adminPassword: 'a', hostname: 'h' } } };
  const after = { platform: { sso: { adminPassword: 'a', keycloak: { hostname: 'h' } } } };
  assert.equal(sopsOps(before, after), [
    { kind: 'set', path: ['platform', 'sso', 'keycloak'], value: { hostname: 'h' } },
    { kind: 'unset', path: ['platform', 'sso', 'hostname'] },
  ]);
});

test('a changed leaf or list is set whole; equal trees give nothing', () => {
  assert.equal(sopsOps({ a: { b: [1, 2] } }, { a: { b: [1, 3] } }), [
    { kind: 'set', path: ['a', 'b'], value: [1, 3] },
  ]);
  assert.equal(sopsOps({ a: { b: 1 } }, { a: { b: 1 } }), []);
});

test('the index quotes every key as JSON', () => {
  assert.is(sopsIndex(['platform', 'a"b', 'x.y']), '["platform"]["a\\"b"]["x.y"]');
});

test.run();
