// A kubeconfig whose only credential is a TokenRequest token of the agent chart's ServiceAccount
// (runlevel-system/runlevel-agent): the image's sync runs with exactly the rights the chart grants.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { loadKubeConfig } from '../../core/shared/kube.js';

export async function agentKubeconfig(hostKubeconfig: string, dir: string): Promise<string> {
  const kc = loadKubeConfig(hostKubeconfig);
  const r = await kc.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name: 'runlevel-agent',
    namespace: 'runlevel-system',
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = r.status?.token ?? '';
  assert.ok(token, 'a TokenRequest token');
  const cluster = kc.getCurrentCluster();
  const file = join(dir, 'agent-kubeconfig');
  const ca = cluster?.caData ?? (cluster?.caFile ? (await readFile(cluster.caFile)).toString('base64') : '');
  await writeFile(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: cluster?.server, 'certificate-authority-data': ca } }],
      users: [{ name: 'runlevel-agent', user: { token } }],
      contexts: [{ name: 'agent', context: { cluster: 'c', user: 'runlevel-agent' } }],
      'current-context': 'agent',
    }),
    { mode: 0o644 },
  );
  return file;
}
