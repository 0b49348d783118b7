import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { declaredImageFields } from '../../../../core/shared/images/fields.js';
import { fixture, removeFixture } from '../../../helpers/fixture.js';

const chart = (annotation?: string) =>
  [
    'apiVersion: v2',
    'name: op',
    'version: 1.0.0',
    ...(annotation ? ['annotations:', `  runlevel.dev/image-fields: ${JSON.stringify(annotation)}`] : []),
  ].join('\n');

test('a vendored chart, unmodified, gets its image fields from charts/<chart>.image-fields.yaml beside it', async () => {
  const dir = await fixture({
    'charts/op/Chart.yaml': chart(),
    'charts/op.image-fields.yaml': '- {kind: Prometheus, path: spec.image}\n',
    'charts/own/Chart.yaml': chart('- {kind: Alertmanager, path: spec.image}'),
  });
  try {
    assert.equal(declaredImageFields(join(dir, 'charts/op')), [{ kind: 'Prometheus', path: 'spec.image' }]);
    assert.equal(declaredImageFields(join(dir, 'charts/own')), [
      { kind: 'Alertmanager', path: 'spec.image' },
    ]);
  } finally {
    await removeFixture(dir);
  }
});

test('a malformed file beside a chart stops the render naming that file', async () => {
  const dir = await fixture({
    'charts/op/Chart.yaml': chart(),
    'charts/op.image-fields.yaml': '- {kind: Prometheus}\n',
  });
  try {
    assert.throws(
      () => declaredImageFields(join(dir, 'charts/op')),
      (err: Error) => err.message.includes('op.image-fields.yaml: the image fields entry 1: path must be'),
    );
  } finally {
    await removeFixture(dir);
  }
});

test.run();
