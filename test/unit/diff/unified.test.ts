import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffLines, unifiedDiff } from '../../../core/diff/unified.js';

const lines = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `line ${i + from}`);
const text = (ls: string[]) => `${ls.join('\n')}\n`;

/** Applying the edit script to `a` must give `b`, and the script must keep every common line. */
function apply(a: string[], b: string[]): void {
  const edits = diffLines(a, b);
  assert.equal(
    edits.filter((e) => e.op !== 'insert').map((e) => e.line),
    a,
  );
  assert.equal(
    edits.filter((e) => e.op !== 'delete').map((e) => e.line),
    b,
  );
}

test('equal texts have no diff', () => {
  assert.is(unifiedDiff('a\nb\n', 'a\nb\n'), '');
  assert.equal(
    diffLines(['a'], ['a']).map((e) => e.op),
    ['equal'],
  );
});

test('edit scripts reproduce both sides, including empty ones', () => {
  apply([], []);
  apply([], ['x', 'y']);
  apply(['x', 'y'], []);
  apply(['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c']);
  apply(lines(50), [...lines(20), 'new', ...lines(25, 23), 'tail']);
});

test('the script is the shortest: one changed line is one delete and one insert', () => {
  const edits = diffLines(['a', 'b', 'c'], ['a', 'B', 'c']);
  assert.equal(
    edits.map((e) => `${e.op}:${e.line}`),
    ['equal:a', 'delete:b', 'insert:B', 'equal:c'],
  );
  // Myers' classic example: D = 5.
  const classic = diffLines([...'ABCABBA'], [...'CBABAC']);
  assert.is(classic.filter((e) => e.op !== 'equal').length, 5);
});

test('a one-line change in a long text: one hunk, three lines of context, header counts', () => {
  const a = lines(20);
  const b = [...a];
  b[9] = 'changed';
  assert.is(
    unifiedDiff(text(a), text(b), { fromLabel: 'old', toLabel: 'new' }),
    [
      '--- old',
      '+++ new',
      '@@ -7,7 +7,7 @@',
      ' line 7',
      ' line 8',
      ' line 9',
      '-line 10',
      '+changed',
      ' line 11',
      ' line 12',
      ' line 13',
      '',
    ].join('\n'),
  );
});

test('changes far apart make two hunks; near ones share one', () => {
  const a = lines(30);
  const far = [...a];
  far[2] = 'x';
  far[25] = 'y';
  const hunks = unifiedDiff(text(a), text(far)).match(/^@@/gm) ?? [];
  assert.is(hunks.length, 2);
  const near = [...a];
  near[10] = 'x';
  near[16] = 'y'; // six unchanged lines between: contexts of three touch
  assert.is((unifiedDiff(text(a), text(near)).match(/^@@/gm) ?? []).length, 1);
});

test('insertions at the start and deletions at the end are numbered like diff(1)', () => {
  assert.match(unifiedDiff('a\nb\n', 'new\na\nb\n'), /^@@ -1,2 \+1,3 @@$/m);
  assert.match(unifiedDiff('a\nb\n', 'new\na\nb\n', { context: 0 }), /^@@ -0,0 \+1 @@$/m);
  assert.match(unifiedDiff('a\nb\nc\nd\ne\n', 'a\nb\nc\nd\n'), /^@@ -2,4 \+2,3 @@$/m);
  assert.match(unifiedDiff('', 'a\nb\n'), /^@@ -0,0 \+1,2 @@$/m);
  assert.match(unifiedDiff('a\n', ''), /^@@ -1 \+0,0 @@$/m);
});

test('context can be changed', () => {
  const a = lines(10);
  const b = [...a];
  b[5] = 'x';
  const d = unifiedDiff(text(a), text(b), { context: 0 });
  assert.match(d, /^@@ -6 \+6 @@\n-line 6\n\+x\n$/m);
});

test('a large text with a few changes stays fast', () => {
  const a = lines(20_000);
  const b = [...a];
  for (const i of [100, 5_000, 12_345, 19_999]) b[i] = `changed ${i}`;
  const started = Date.now();
  const d = unifiedDiff(text(a), text(b));
  assert.ok(Date.now() - started < 1_000, `${Date.now() - started}ms`);
  assert.is((d.match(/^\+changed/gm) ?? []).length, 4);
});

test.run();
