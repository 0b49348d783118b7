// Where a file that is not UTF-8 goes wrong: the offset of the first byte of the first invalid
// sequence, as the error message names it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firstInvalidByte } from '../../../core/values/load.js';

const at = (...parts: (string | number[])[]) =>
  firstInvalidByte(
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))),
  );

test('a stray byte is found at its offset, after multi-byte characters', () => {
  assert.is(at('a: 1\n', [0xff]), 5);
  assert.is(at('ü✓日本: x\n', [0xc3, 0x28]), Buffer.byteLength('ü✓日本: x\n'));
});

test('a U+FFFD the file really holds is not the error; the bad byte after it is', () => {
  assert.is(at('x: \uFFFD\uFFFD ok\n', [0x80], 'rest'), Buffer.byteLength('x: \uFFFD\uFFFD ok\n'));
});

test('truncated, overlong and surrogate sequences point at their first byte', () => {
  assert.is(at('ab', [0xe2, 0x82]), 2); // truncated at the end
  assert.is(at('ab', [0xe2, 0x82], 'c'), 2); // truncated in the middle
  assert.is(at('ab', [0xc0, 0xaf]), 2); // overlong '/'
  assert.is(at('ab', [0xed, 0xa0, 0x80]), 2); // a UTF-16 surrogate
  assert.is(at('ab', [0xf4, 0x90, 0x80, 0x80]), 2); // above U+10FFFF
});

test.run();
