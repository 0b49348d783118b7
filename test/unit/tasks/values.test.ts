// What tasks read from the values, including partial values (a task must not crash on a missing branch).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  policyExceptionsOf,
  pullSecretEnabled,
  teamNames,
  teamNamespace,
} from '../../../core/tasks/values.js';

const values = {
  teams: { web: {}, api: {} },
  platform: {
    registry: { pullSecret: { enabled: true } },
    policies: {
      privileged: { exceptions: { teams: ['api'], namespaces: [] } },
      'image-tag': { exceptions: { teams: ['api', 'web'] } },
      resources: { exceptions: { teams: [] } },
      'run-as-non-root': {},
    },
  },
};

test('team names are sorted; namespaces are team-<team>', () => {
  assert.equal(teamNames(values), ['api', 'web']);
  assert.is(teamNamespace('api'), 'team-api');
});

test('policy exceptions per team, sorted by policy id', () => {
  assert.equal(policyExceptionsOf(values, 'api'), ['image-tag', 'privileged']);
  assert.equal(policyExceptionsOf(values, 'web'), ['image-tag']);
  assert.equal(policyExceptionsOf(values, 'nobody'), []);
});

test('missing branches read as "nothing": no teams, no exceptions, pull secret off', () => {
  assert.equal(teamNames({}), []);
  assert.equal(policyExceptionsOf({}, 'api'), []);
  assert.is(pullSecretEnabled({}), false);
  assert.is(pullSecretEnabled(values), true);
});

test.run();
