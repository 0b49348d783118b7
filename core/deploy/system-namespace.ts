// runlevel-system holds what runlevel keeps in the cluster (the lock, the deploy record, the
// platform CA): made by the first deploy, deleted last by destroy.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreV1Api } from '@kubernetes/client-node';
import { isConflict, isNotFound, withRetry } from '../shared/kube.js';

export const systemNamespace = 'runlevel-system';

export async function ensureSystemNamespace(core: CoreV1Api): Promise<void> {
  await withRetry(`create namespace ${systemNamespace}`, async () => {
    try {
      await core.readNamespace({ name: systemNamespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        const labels = {
          'app.kubernetes.io/managed-by': 'runlevel',
          'runlevel.dev/platform': 'true',
          'pod-security.kubernetes.io/enforce': 'restricted',
        };
        await core.createNamespace({ body: { metadata: { name: systemNamespace, labels } } });
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
    }
  });
}

/** Delete it and wait (bounded) until it is gone, so a deploy right after can make it again. */
export async function deleteSystemNamespace(core: CoreV1Api, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  try {
    await withRetry('delete namespace', () => core.deleteNamespace({ name: systemNamespace }));
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
  while (Date.now() < deadline) {
    try {
      await withRetry('read namespace', () => core.readNamespace({ name: systemNamespace }));
    } catch (err) {
      if (isNotFound(err)) return true;
      throw err;
    }
    await sleep(500);
  }
  return false;
}
