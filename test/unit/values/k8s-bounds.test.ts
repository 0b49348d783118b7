// Every app value the app chart writes into an integer field of a Kubernetes object carries that
// field's bounds into the values schema, so an out-of-range number is refused at its values file
// instead of overflowing on its way to the API server (helm prints 3000000000 as 3e+09). The
// Kubernetes fields are int32 in the API server's OpenAPI (`format: int32`, which the converted
// schemas in schemas/k8s leave out); the test checks the field is an integer there, that the chart
// really writes the value into it, and that the values schema's bounds lie inside int32's.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { validators } from '../../../core/values/validate.js';

const int32 = { min: -2147483648, max: 2147483647 };

/** app value → where the app chart writes it: template, the field there, and its Kubernetes schema. */
const mapped = [
  {
    value: ['replicas'],
    template: 'deployment.yaml',
    field: 'replicas',
    k8s: ['deployment-apps-v1.json', 'io.k8s.api.apps.v1.DeploymentSpec', 'replicas'],
  },
  {
    value: ['port'],
    template: 'deployment.yaml',
    field: 'containerPort',
    k8s: ['deployment-apps-v1.json', 'io.k8s.api.core.v1.ContainerPort', 'containerPort'],
  },
  {
    value: ['autoscaling', 'minReplicas'],
    template: 'hpa.yaml',
    field: 'minReplicas',
    k8s: [
      'horizontalpodautoscaler-autoscaling-v2.json',
      'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec',
      'minReplicas',
    ],
  },
  {
    value: ['autoscaling', 'maxReplicas'],
    template: 'hpa.yaml',
    field: 'maxReplicas',
    k8s: [
      'horizontalpodautoscaler-autoscaling-v2.json',
      'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec',
      'maxReplicas',
    ],
  },
  {
    value: ['autoscaling', 'targetCPUPercent'],
    template: 'hpa.yaml',
    field: 'averageUtilization',
    k8s: [
      'horizontalpodautoscaler-autoscaling-v2.json',
      'io.k8s.api.autoscaling.v2.MetricTarget',
      'averageUtilization',
    ],
  },
] as const;

type Schema = { [key: string]: unknown };

function appField(path: readonly string[]): Schema {
  const defs = validators().schema.$defs as Record<string, Schema>;
  let node = defs.app as Schema;
  for (const key of path) node = (node.properties as Record<string, Schema>)[key] as Schema;
  return node;
}

for (const m of mapped) {
  const name = `apps.<app>.${m.value.join('.')}`;
  test(`${name} → ${m.k8s[1].split('.').pop()}.${m.k8s[2]}: int32 bounds in the values schema`, () => {
    const [file, definition, property] = m.k8s;
    const k8s = JSON.parse(readFileSync(join(coreRoot, 'schemas/k8s/v1.35', file), 'utf8'));
    const target = k8s.definitions[definition].properties[property];
    assert.ok([target.type].flat().includes('integer'), `${definition}.${property} is not an integer field`);

    const template = readFileSync(join(coreRoot, 'charts/app/templates', m.template), 'utf8');
    assert.match(template, new RegExp(`${m.field}: \\{\\{ \\.Values\\.${m.value.join('\\.')} \\}\\}`));

    const field = appField(m.value);
    assert.is(field.type, 'integer');
    assert.is(typeof field.minimum, 'number', `${name} has no minimum`);
    assert.is(typeof field.maximum, 'number', `${name} has no maximum`);
    assert.ok((field.minimum as number) >= int32.min && (field.maximum as number) <= int32.max);
  });
}

test('a replicas count past int32 is refused by the values schema', () => {
  const check = validators().values;
  const app = { image: { repository: 'docker.io/library/nginx', tag: '1' }, replicas: 3_000_000_000 };
  const values = {
    cluster: { name: 'dev', environment: 'dev', domain: 'dev.example.com' },
    apps: { web: app },
  };
  assert.is(check(values), false);
  assert.ok(check.errors?.some((e) => e.instancePath === '/apps/web/replicas' && e.keyword === 'maximum'));
});

test.run();
