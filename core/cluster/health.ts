// Is the local API server answering, and is the fake node Ready? Plain HTTPS with the admin
// client certificate for /readyz; the Kubernetes client for objects.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';

export interface TlsFiles {
  caCert: string;
  cert: string;
  key: string;
}

export function readyz(server: string, tls: TlsFiles, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${server}/readyz`,
      {
        ca: readFileSync(tls.caCert),
        cert: readFileSync(tls.cert),
        key: readFileSync(tls.key),
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Poll `check` until it is true; throw `onTimeout()` after timeoutMs. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  onTimeout: () => Error,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(intervalMs);
  }
  throw onTimeout();
}

export function coreApi(kubeconfigFile: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigFile);
  return kc.makeApiClient(CoreV1Api);
}

export const fakeNodeName = 'kwok-node-0';

/**
 * The node kwok pretends to run, with no taints so Pods land on it. Big enough for a platform of
 * a few hundred teams (200 teams of 3 apps run ~800 Pods); its Pods cost nothing but API objects.
 */
export function fakeNode(): V1Node {
  const resources = { cpu: '4000', memory: '16Ti', pods: '10000' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: fakeNodeName,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        type: 'kwok',
        'kubernetes.io/hostname': fakeNodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
      },
    },
    status: { allocatable: resources, capacity: resources },
  };
}

export async function ensureFakeNode(api: CoreV1Api): Promise<void> {
  try {
    await api.readNode({ name: fakeNodeName });
  } catch {
    await api.createNode({ body: fakeNode() });
  }
}

export async function nodeReady(api: CoreV1Api): Promise<boolean> {
  try {
    const node = await api.readNode({ name: fakeNodeName });
    return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  } catch {
    return false;
  }
}
