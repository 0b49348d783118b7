// What the values stage hands on besides the values: the texts of the files it read, so later
// stages can frame an error without reading the values repo again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValuesRepo } from '../../../core/values/index.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';

const files = {
  'runlevel.yaml':
    'core: "0.1.0"\nclusters:\n  dev:\n    environment: dev\n  prod:\n    environment: prod\ncontract: 2\n',
  'common/settings.yaml': 'cluster:\n  domain: example.com\nplatform:\n  sso:\n    enabled: false\n',
  'common/teams/alpha.yaml': 'members: []\n',
  'environments/dev/settings.yaml': 'platform:\n  ingress:\n    className: "dev"   # quoted\n',
  'environments/prod/settings.yaml': 'platform:\n  ingress:\n    className: prod\n',
  'clusters/dev/apps/web.yaml': 'image: &img\n  repository: docker.io/library/nginx\n  tag: "1.27"\n', // full parser
};

test('Resolved.texts holds runlevel.yaml and each merged file as read, and nothing of other clusters', async () => {
  const dir = await fixture(files);
  try {
    const repo = await ValuesRepo.open(dir);
    await repo.resolve('prod'); // shares the repo's cache of texts
    const dev = await repo.resolve('dev');
    assert.equal(dev.files, [
      'common/settings.yaml',
      'common/teams/alpha.yaml',
      'environments/dev/settings.yaml',
      'clusters/dev/apps/web.yaml',
    ]);
    assert.equal([...dev.texts.keys()].sort(), ['runlevel.yaml', ...dev.files].sort());
    for (const [file, text] of dev.texts) assert.is(text, files[file as keyof typeof files], file);
    assert.is(dev.values.platform.ingress.className, 'dev');
    assert.is(dev.values.apps.web?.image.tag, '1.27');
  } finally {
    await removeFixture(dir);
  }
});

test.run();
