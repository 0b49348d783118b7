// Exceptions per release, object and container: how values become the `exceptions` parameter, and
// how the report shows what an exception covers and which values would grant one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Finding } from '../../../core/check/findings.js';
import { makeReport } from '../../../core/check/findings.js';
import { exitCodeOf, formatJson, formatText } from '../../../core/check/report.js';
import { policySettings } from '../../../core/check/settings.js';
import { resolvedValues, type ValuesSettings } from '../../helpers/resolved-values.js';

/** The policy settings of values that set only what a test is about (the rest at its defaults). */
const settingsOf = (v: ValuesSettings) => policySettings(resolvedValues(v));

import { isTestHook } from '../../../core/check/test-hooks.js';

test('releases and objects become the exceptions parameter, each with the values path that grants it', () => {
  const settings = settingsOf({
    platform: {
      policies: {
        privileged: {
          exceptions: {
            namespaces: ['kube-system'],
            releases: [{ name: 'node-agent', reason: 'reads the host' }],
            objects: [
              { kind: 'DaemonSet', name: 'exporter', reason: 'host network' },
              { kind: 'Deployment', name: 'web', namespace: 'team-a', container: 'proxy', reason: 'sidecar' },
            ],
          },
        },
      },
    },
  });
  assert.equal(settings.privileged?.excludedNamespaces, ['kube-system']);
  assert.equal(settings.privileged?.parameters.exceptions, [
    {
      key: 'platform.policies.privileged.exceptions.releases[0]',
      reason: 'reads the host',
      release: 'node-agent',
    },
    {
      key: 'platform.policies.privileged.exceptions.objects[0]',
      reason: 'host network',
      kind: 'DaemonSet',
      name: 'exporter',
    },
    {
      key: 'platform.policies.privileged.exceptions.objects[1]',
      reason: 'sidecar',
      kind: 'Deployment',
      name: 'web',
      namespace: 'team-a',
      container: 'proxy',
    },
  ]);
  assert.is(settings.resources?.parameters.exceptions, undefined, 'none: the parameter is left out');
});

const finding = (over: Partial<Finding> = {}): Finding => ({
  rule: 'privileged',
  severity: 'error',
  object: { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'monitoring', name: 'agent' },
  runlevel: '20-monitoring',
  release: 'node-agent',
  file: '20-monitoring/node-agent/daemonset.yaml',
  line: 12,
  message: 'pod shares the host’s PID namespace (hostPID)',
  hint: 'remove hostPID',
  except: {
    key: 'platform.policies.privileged.exceptions.objects',
    entry: { kind: 'DaemonSet', name: 'agent', namespace: 'monitoring' },
  },
  ...over,
});

test('a finding names the exact exception that would cover it', () => {
  const text = formatText(makeReport(1, [finding()]));
  assert.match(
    text,
    '    or except it: platform.policies.privileged.exceptions.objects: [{kind: DaemonSet, name: agent, namespace: monitoring, reason: …}]\n',
  );
});

test('excepted findings are listed with key and reason, fail nothing and are counted apart', () => {
  const excepted = finding({
    exceptedBy: [{ key: 'platform.policies.privileged.exceptions.releases[0]', reason: 'reads the host' }],
  });
  const report = makeReport(2, [excepted, finding({ rule: 'resources', severity: 'warning', line: 20 })]);
  assert.is(report.findings.length, 1);
  assert.is(report.excepted.length, 1);
  assert.is(report.errors, 0);
  assert.is(report.warnings, 1);
  assert.is(exitCodeOf(report, false), 0);
  const lines = formatText(report).split('\n');
  assert.equal(lines.slice(-5), [
    '○ 20-monitoring/node-agent/daemonset.yaml:12  privileged  DaemonSet monitoring/agent  (release 20-monitoring/node-agent)  excepted',
    '    pod shares the host’s PID namespace (hostPID)',
    '    excepted by platform.policies.privileged.exceptions.releases[0]: reads the host',
    '2 objects checked: 0 errors, 1 warning, 1 excepted',
    '',
  ]);
  const json = JSON.parse(formatJson(report, false));
  assert.is(json.ok, true);
  assert.equal(json.excepted[0].exceptedBy, [
    { key: 'platform.policies.privileged.exceptions.releases[0]', reason: 'reads the host' },
  ]);
  assert.equal(json.findings[0].except.key, 'platform.policies.privileged.exceptions.objects');
});

test('helm test hooks are recognised in every spelling helm accepts', () => {
  const withHook = (hook: unknown) => ({ kind: 'Pod', metadata: { annotations: { 'helm.sh/hook': hook } } });
  assert.ok(isTestHook(withHook('test')));
  assert.ok(isTestHook(withHook('test-success')));
  assert.ok(isTestHook(withHook('pre-install, test')));
  assert.not.ok(isTestHook(withHook('post-install,post-upgrade')));
  assert.not.ok(isTestHook(withHook(true)));
  assert.not.ok(isTestHook({ kind: 'Pod', metadata: {} }));
  assert.not.ok(isTestHook({ kind: 'Pod' }));
});

test.run();
