import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Logger } from '../../../core/shared/log.js';
import { codeFrame, lineColAt, maxFrameWidth } from '../../../core/shared/source.js';

test('lineColAt counts lines and columns from 1', () => {
  assert.equal(lineColAt('ab\ncd\nef', 0), { line: 1, col: 1 });
  assert.equal(lineColAt('ab\ncd\nef', 4), { line: 2, col: 2 });
});

test('codeFrame marks the line and puts a caret under the column', () => {
  const frame = codeFrame('a: 1\nb: two\nc: 3\n', 2, 4);
  assert.is(frame, ['  1 | a: 1', '> 2 | b: two', '    |    ^', '  3 | c: 3', '  4 | '].join('\n'));
});

test('codeFrame cuts a very long line to a window around the column, caret still under it', () => {
  const long = `${'a'.repeat(3_000_000)}X${'b'.repeat(1000)}`;
  const frame = codeFrame(`k: 1\n${long}\n`, 2, 3_000_001);
  const [, marked, caret] = frame.split('\n');
  assert.ok(frame.length < 1000, `frame is ${frame.length} characters`);
  assert.ok(marked?.startsWith('> 2 | …a'));
  assert.ok(marked?.endsWith('b…'));
  assert.is(marked?.length, '> 2 | '.length + maxFrameWidth + 2);
  assert.is(marked?.[caret?.indexOf('^') ?? -1], 'X');
});

test('codeFrame draws control characters visibly and keeps the caret aligned', () => {
  const frame = codeFrame('a: "x\u0000y"\n', 1, 7);
  const [marked, caret] = frame.split('\n');
  assert.is(marked, '> 1 | a: "x\u2400y"');
  assert.is(marked?.[caret?.indexOf('^') ?? -1], 'y');
});

test('the logger masks registered secrets in every output, data included', () => {
  const out: string[] = [];
  const sink = { write: (t: string) => out.push(t) };
  const logger = new Logger('plain', false, false, sink, sink);
  logger.redact('s3cr3t-value');
  logger.info('token is s3cr3t-value');
  logger.writeData('password: s3cr3t-value');
  assert.equal(out, ['• token is ***\n', 'password: ***\n']);
});

test('debug output is not even built when verbose is off', () => {
  const logger = new Logger('plain', false, false, { write: () => {} }, { write: () => {} });
  let built = false;
  logger.debug(() => {
    built = true;
    return 'x';
  });
  assert.is(built, false);
});

test.run();
