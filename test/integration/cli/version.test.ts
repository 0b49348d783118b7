// `runlevel version` asks every pinned tool for its version; all of them are built by make tools.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readPins } from '../../../core/shared/tools.js';
import { runCli } from '../../helpers/cli.js';

test('runlevel version prints the core version and each pinned tool as found, all matching their pins', async () => {
  const r = await runCli(['version', '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    core: string;
    tools: { tool: string; pinned: string; found?: string; matches: boolean }[];
  };
  assert.match(report.core, /^\d+\.\d+\.\d+$/);
  const pins = readPins();
  const byTool = new Map(report.tools.map((t) => [t.tool, t]));
  for (const [tool, pin] of [
    ['helm', pins.HELM],
    ['helmfile', pins.HELMFILE],
    ['helm-diff', pins.HELM_DIFF],
    ['kube-apiserver', pins.KUBERNETES],
    ['kubectl', pins.KUBERNETES],
    ['etcd', pins.ETCD],
    ['kwok', pins.KWOK],
    ['opa', pins.OPA],
    ['kubeconform', pins.KUBECONFORM],
    ['sops', pins.SOPS],
    ['gatekeeper', pins.GATEKEEPER],
  ] as const) {
    const t = byTool.get(tool);
    assert.ok(t?.found, `${tool} found`);
    assert.is(t?.found?.replace(/^v/, ''), pin?.replace(/^v/, ''), `${tool} runs its pinned version`);
    assert.ok(t?.matches, tool);
  }
});

test('the text form lists every tool with its version', async () => {
  const r = await runCli(['version']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^runlevel \d+\.\d+\.\d+$/m);
  for (const tool of ['helm', 'helmfile', 'kube-apiserver', 'etcd', 'kwok', 'opa']) {
    assert.match(r.stdout, new RegExp(`^  ${tool}\\s+v?\\d+\\.\\d+\\.\\d+\\s+pinned ✔$`, 'm'));
  }
});

test.run();
