// Which chart trees can render by the cluster's API versions (core/render/reads-capabilities.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chartsReadCapabilities } from '../../../core/render/reads-capabilities.js';
import { coreRoot } from '../../../core/shared/paths.js';

function charts(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'runlevel-caps-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const plain = {
  'app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
  'app/values.yaml': '# Capabilities in values.yaml are not a template\n',
  'app/templates/cm.yaml': 'kind: ConfigMap\n',
};

test('no template mentions Capabilities: the API versions cannot change a render', () => {
  const dir = charts(plain);
  try {
    assert.is(chartsReadCapabilities(dir), false);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a template, a helper or a sub-chart template that reads them; a sub-chart kept as an archive', () => {
  const cases = {
    template: {
      'app/templates/hpa.yaml': '{{ if .Capabilities.APIVersions.Has "autoscaling/v2" }}x{{ end }}',
    },
    helper: { 'app/templates/_helpers.tpl': '{{ define "caps" }}{{ toYaml $.Capabilities }}{{ end }}' },
    'sub-chart': { 'app/charts/sub/templates/x.yaml': '{{ .Capabilities.KubeVersion }}' },
    archive: { 'app/charts/sub-0.1.0.tgz': 'not looked into' },
  };
  for (const [what, extra] of Object.entries(cases)) {
    const dir = charts({ ...plain, ...extra });
    try {
      assert.is(chartsReadCapabilities(dir), true, what);
    } finally {
      rmSync(dir, { recursive: true });
    }
  }
});

test("the core's own charts read no Capabilities (a first deploy's CRDs leave the next no-op a no-op)", () => {
  assert.is(chartsReadCapabilities(join(coreRoot, 'charts')), false);
});

test.run();
