// What tasks read from the values, including values left at their defaults (they read as "nothing").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  policyExceptionsOf,
  pullSecretEnabled,
  teamNames,
  teamNamespace,
} from '../../../core/tasks/values.js';
import { resolvedValues } from '../../helpers/resolved-values.js';

const values = resolvedValues({
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
});

test('team names are sorted; namespaces are team-<team>', () => {
  assert.equal(teamNames(values), ['api', 'web']);
  assert.is(teamNamespace('api'), 'team-api');
});

test('policy exceptions per team, sorted by policy id', () => {
  assert.equal(policyExceptionsOf(values, 'api'), ['image-tag', 'privileged']);
  assert.equal(policyExceptionsOf(values, 'web'), ['image-tag']);
  assert.equal(policyExceptionsOf(values, 'nobody'), []);
});

test('values left at their defaults read as "nothing": no teams, no exceptions, pull secret off', () => {
  const defaults = resolvedValues();
  assert.equal(teamNames(defaults), []);
  assert.equal(policyExceptionsOf(defaults, 'api'), []);
  assert.is(pullSecretEnabled(defaults), false);
  assert.is(pullSecretEnabled(values), true);
});

test.run();
