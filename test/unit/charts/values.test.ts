// Values under charts.<release> that no release reads: found, with the release meant.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unreadChartValues } from '../../../core/charts/values.js';

test('a charts key that names no rendered release is reported with the closest release name', () => {
  const values = { charts: { 'hello-web': {}, 'helo-web': { replicaCount: 2 }, grafana: {} } };
  assert.equal(unreadChartValues(values, ['ingress', 'hello-web']), [
    { key: 'grafana', guess: undefined },
    { key: 'helo-web', guess: 'hello-web' },
  ]);
});

test('no charts key, or every key read: nothing to say', () => {
  assert.equal(unreadChartValues({ platform: {} }, ['ingress']), []);
  assert.equal(unreadChartValues({ charts: { a: {} } }, ['a']), []);
});

test.run();
