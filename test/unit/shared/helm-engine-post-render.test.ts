import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answerPostRender } from '../../../core/shared/helm-engine-post-render.js';

const q = { id: 3, request: 12, release: 'web', manifest: 'kind: Pod\n' };
const parsed = (line: string) => {
  assert.ok(line.endsWith('\n'), 'one line');
  assert.not.ok(line.slice(0, -1).includes('\n'), 'no newline inside');
  return JSON.parse(line) as { postRendered: { id: number; manifest?: string; error?: string } };
};

test('the answer carries the question’s id and the function’s result', () => {
  assert.equal(parsed(answerPostRender(q, (m) => `${m}# done\n`)), {
    postRendered: { id: 3, manifest: 'kind: Pod\n# done\n' },
  });
});

test('a throwing function is the release’s failure, named', () => {
  const a = parsed(
    answerPostRender(q, () => {
      throw new Error('bad lock');
    }),
  );
  assert.equal(a, { postRendered: { id: 3, error: 'the post-render of release web failed: bad lock' } });
});

test('no function waiting (the request timed out): an error, never the manifest unchanged', () => {
  const a = parsed(answerPostRender(q, undefined));
  assert.is(a.postRendered.manifest, undefined);
  assert.match(a.postRendered.error ?? '', 'no post-renderer is waiting for release web (request 12)');
});

test.run();
