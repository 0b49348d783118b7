// The agent's image follows the pin: the repository the values wrote, the pinned version, and the
// digest a hand-over verified while the live Deployment runs that version (agent-image.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentImage, writtenRepository } from '../../../core/sync/agent-image.js';

const d1 = `sha256:${'1'.repeat(64)}`;
const d2 = `sha256:${'2'.repeat(64)}`;
const mirror = '127.0.0.1:5000/runlevel';

test('the written image stands when its tag is the pin, its digest included', () => {
  assert.is(agentImage(`${mirror}:0.1.0`, '0.1.0'), `${mirror}:0.1.0`);
  assert.is(agentImage(`${mirror}:0.1.0@${d1}`, '0.1.0'), `${mirror}:0.1.0@${d1}`);
});

test('the pin moved: the written repository at the pinned version (a stale digest goes with the tag)', () => {
  assert.is(agentImage(`${mirror}:0.1.0`, '0.2.0'), `${mirror}:0.2.0`);
  assert.is(agentImage(`${mirror}:0.1.0@${d1}`, '0.2.0'), `${mirror}:0.2.0`);
  assert.is(agentImage('runlevel:0.1.0', '0.2.0'), 'runlevel:0.2.0');
  assert.is(agentImage(`${mirror}@${d1}`, '0.2.0'), `${mirror}:0.2.0`);
});

test('after a hand-over the live image is kept: same repository, the pinned version, by digest', () => {
  assert.is(agentImage(`${mirror}:0.1.0`, '0.2.0', `${mirror}:0.2.0@${d2}`), `${mirror}:0.2.0@${d2}`);
  // Written without a registry, live in the same place under its full name: the same repository.
  assert.is(
    agentImage('runlevel:0.1.0', '0.2.0', `docker.io/library/runlevel:0.2.0@${d2}`),
    `docker.io/library/runlevel:0.2.0@${d2}`,
  );
});

test('the live image is not kept when it is another version, has no digest, or is another repository', () => {
  assert.is(agentImage(`${mirror}:0.1.0`, '0.2.0', `${mirror}:0.1.0@${d1}`), `${mirror}:0.2.0`);
  assert.is(agentImage(`${mirror}:0.1.0`, '0.2.0', `${mirror}:0.2.0`), `${mirror}:0.2.0`);
  assert.is(agentImage(`${mirror}:0.1.0`, '0.2.0', `127.0.0.1:6000/runlevel:0.2.0@${d2}`), `${mirror}:0.2.0`);
  // A repository moved in the values wins over the live one.
  assert.is(agentImage(`${mirror}:0.2.0`, '0.2.0', `runlevel:0.2.0@${d2}`), `${mirror}:0.2.0`);
});

test('behind platform.registry.mirror: the live image in the mirror counts as the written one', () => {
  const live = `mirror.example:5000/runlevel:0.2.0@${d2}`;
  assert.is(agentImage('runlevel:0.1.0', '0.2.0', live, 'mirror.example:5000'), live);
  const mirrored = `mirror.example:5000/docker.io/library/runlevel:0.2.0@${d2}`;
  assert.is(agentImage('runlevel:0.1.0', '0.2.0', mirrored, 'mirror.example:5000'), mirrored);
  assert.is(agentImage('runlevel:0.1.0', '0.2.0', live), 'runlevel:0.2.0', 'no mirror: another repository');
});

test('empty or malformed: left to the chart and the schema', () => {
  assert.is(agentImage('', '0.2.0'), '');
  assert.is(agentImage('Not An Image', '0.2.0'), 'Not An Image');
});

test('the repository as written, port and path kept', () => {
  assert.is(writtenRepository(`127.0.0.1:5000/a/runlevel:0.1.0@${d1}`), '127.0.0.1:5000/a/runlevel');
  assert.is(writtenRepository('127.0.0.1:5000/runlevel'), '127.0.0.1:5000/runlevel');
  assert.is(writtenRepository('runlevel:0.1.0'), 'runlevel');
});

test.run();
