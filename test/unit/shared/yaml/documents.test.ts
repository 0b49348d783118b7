// The one document splitter: texts byte for byte, the line each starts on, blank documents left out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { splitDocuments } from '../../../../core/shared/yaml/documents.js';

test('documents with the line their text starts on; the separator lines are not part of them', () => {
  const stream = '---\n# Source: a\nkind: A\n---\nkind: B\n\n---   \nkind: C\n';
  assert.equal(splitDocuments(stream), [
    { text: '# Source: a\nkind: A\n', line: 2 },
    { text: 'kind: B\n\n', line: 5 },
    { text: 'kind: C\n', line: 8 },
  ]);
});

test('a stream without a leading separator starts on line 1; blank documents are skipped but counted', () => {
  const stream = 'kind: A\n---\n\n  \n---\nkind: B';
  assert.equal(splitDocuments(stream), [
    { text: 'kind: A\n', line: 1 },
    { text: 'kind: B', line: 6 },
  ]);
});

test('only a line of exactly --- (and trailing blanks) separates: not "--- x", not indented, not "----"', () => {
  const stream = 'a: |\n  ---\nb: --- x\n----\n--- # c\nc: 1\n';
  assert.equal(splitDocuments(stream), [{ text: stream, line: 1 }]);
});

test('a final --- without a newline ends the last document', () => {
  assert.equal(splitDocuments('kind: A\n---'), [{ text: 'kind: A\n', line: 1 }]);
  assert.equal(splitDocuments(''), []);
});

test('joining the texts with --- lines gives back the stream', () => {
  const stream = 'a: 1\n---\nb: 2\n---\nc: 3\n';
  assert.is(
    splitDocuments(stream)
      .map((d) => d.text)
      .join('---\n'),
    stream,
  );
});

test.run();
