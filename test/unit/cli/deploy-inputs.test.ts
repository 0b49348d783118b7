// The deploy's inputs digest (core/cli/deploy-inputs.ts): any input a deploy's outcome depends on
// changes it; nothing else does; a --selector deploy has none (it cannot stand for the platform).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deployInputs } from '../../../core/cli/deploy-inputs.js';
import type { ReadAgainst } from '../../../core/cli/pipeline.js';
import type { Resolved } from '../../../core/values/index.js';
import { resolvedValues } from '../../helpers/resolved-values.js';

const read = (
  over: { values?: Resolved['values']; lock?: Record<string, string>; kube?: string; apis?: string[] } = {},
): ReadAgainst => ({
  resolved: {
    cluster: 'dev',
    environment: 'dev',
    values: over.values ?? resolvedValues(),
    ...(over.lock ? { imageLock: { digests: over.lock } } : {}),
  } as unknown as Resolved,
  state: undefined,
  capabilities: { kubeVersion: over.kube ?? 'v1.35.4', apiVersions: over.apis ?? ['apps/v1', 'v1'] },
});
const flags = { selectors: [], prune: true, strict: false, coreVersion: '0.1.0', apiVersionsRender: true };

test('every input changes the digest; the same inputs give the same digest', () => {
  const base = deployInputs(read(), flags);
  assert.type(base, 'string');
  assert.is(deployInputs(read(), flags), base);
  assert.is(deployInputs(read({ apis: ['v1', 'apps/v1'] }), flags), base, 'API versions in any order');
  const changed = {
    values: deployInputs(
      read({ values: resolvedValues({ cluster: { domain: 'other.example.com' } }) }),
      flags,
    ),
    'image lock': deployInputs(
      read({ lock: { 'docker.io/library/nginx:1': `sha256:${'a'.repeat(64)}` } }),
      flags,
    ),
    'core version': deployInputs(read(), { ...flags, coreVersion: '0.2.0' }),
    'Kubernetes version': deployInputs(read({ kube: 'v1.36.0' }), flags),
    'API versions': deployInputs(read({ apis: ['apps/v1', 'v1', 'example.com/v1'] }), flags),
    '--no-prune': deployInputs(read(), { ...flags, prune: false }),
    '--strict': deployInputs(read(), { ...flags, strict: true }),
  };
  for (const [what, digest] of Object.entries(changed)) assert.is.not(digest, base, what);
  assert.is(new Set(Object.values(changed)).size, Object.keys(changed).length);
});

test('when no chart reads .Capabilities, the API versions the cluster serves do not change the digest', () => {
  const quiet = { ...flags, apiVersionsRender: false };
  const base = deployInputs(read(), quiet);
  assert.is(deployInputs(read({ apis: ['apps/v1', 'v1', 'example.com/v1'] }), quiet), base);
  assert.is.not(deployInputs(read({ kube: 'v1.36.0' }), quiet), base, 'the Kubernetes version still does');
});

test('a --selector deploy has no inputs digest', () => {
  assert.is(deployInputs(read(), { ...flags, selectors: ['team=a'] }), undefined);
});

test.run();
