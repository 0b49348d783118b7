// images.lock.yaml is read by the values stage and carried on Resolved.imageLock; a malformed one
// is refused with its file:line and what to write instead.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../../core/shared/errors.js';
import { formatImageLock } from '../../../core/shared/images/lock.js';
import { resolveValues } from '../../../core/values/index.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

const digest = `sha256:${'e'.repeat(64)}`;
const repo = {
  'runlevel.yaml': 'core: "0.1.0"\nclusters:\n  dev:\n    environment: dev\ncontract: 2\n',
  'common/settings.yaml': 'cluster:\n  domain: example.com\nplatform:\n  sso:\n    enabled: false\n',
};

async function resolveWith(lock: string | undefined) {
  const dir = await fixture(lock === undefined ? repo : { ...repo, 'images.lock.yaml': lock });
  try {
    return await resolveValues({ valuesDir: dir, cluster: 'dev' });
  } finally {
    await removeFixture(dir);
  }
}

test('the lock as bundle create writes it is read into Resolved.imageLock', async () => {
  const text = formatImageLock({ 'quay.io/a/b:1': digest, 'docker.io/library/nginx:1.27': digest });
  assert.is(
    text,
    `# written by runlevel bundle create: the digest of every image, commit it with your values\nimages:\n  docker.io/library/nginx:1.27: ${digest}\n  quay.io/a/b:1: ${digest}\n`,
  );
  const resolved = await resolveWith(text);
  assert.equal(resolved.imageLock?.digests, {
    'docker.io/library/nginx:1.27': digest,
    'quay.io/a/b:1': digest,
  });
  assert.is(resolved.imageLock?.lines['quay.io/a/b:1'], 4);
  assert.ok(resolved.texts.has('images.lock.yaml'));
});

test('no lock: nothing pinned', async () => {
  assert.is((await resolveWith(undefined)).imageLock, undefined);
});

test('a short name or a bad digest is refused at its line, with the form to write', async () => {
  try {
    await resolveWith(`images:\n  nginx:1.27: ${digest}\n  quay.io/a/b:1: sha256:abc\n`);
    assert.unreachable('the lock is malformed');
  } catch (err) {
    assert.instance(err, UserError);
    const problems = (err as UserError).problems;
    assert.equal(
      problems.map((p) => [p.where?.file, p.where?.line]),
      [
        ['images.lock.yaml', 2],
        ['images.lock.yaml', 3],
      ],
    );
    assert.match(problems[0]?.hint ?? '', 'write it as docker.io/library/nginx:1.27');
    assert.match(problems[1]?.message ?? '', 'sha256:<64 lower-case hex>');
  }
});

test('a lock of another shape is refused', async () => {
  try {
    await resolveWith('digests: {}\n');
    assert.unreachable('wrong shape');
  } catch (err) {
    assert.match((err as UserError).problems[0]?.message ?? '', 'must hold one key, images');
  }
});

test.run();
