// Which API server a cluster of runlevel.yaml reaches (core/rollout/same-server.ts compares them):
// its kubeconfig's server URL and CA, and the kube-system namespace's UID read within a bound.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type RequestOptions, request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { normalizeServer, type ServerIdentity } from '../rollout/same-server.js';

export interface ShownAs {
  cluster: string;
  /** The kubeconfig as the user named it (runlevel.yaml, --kubeconfig, KUBECONFIG or the default). */
  kubeconfig: string;
  /** The context runlevel.yaml names, else the kubeconfig's current one. */
  context?: string;
}

/** undefined when the server did not answer within `ms` (an unreachable cluster is not compared). */
export async function serverIdentity(
  kc: KubeConfig,
  shown: ShownAs,
  ms: number,
): Promise<ServerIdentity | undefined> {
  const c = kc.getCurrentCluster();
  if (!c) return undefined;
  const ca = caDigest(c);
  const answer = await getJson(kc, c.server, '/api/v1/namespaces/kube-system', ms).catch(() => undefined);
  if (answer === undefined) return undefined;
  const uid = (answer.body as { metadata?: { uid?: unknown } } | undefined)?.metadata?.uid;
  return {
    cluster: shown.cluster,
    kubeconfig: shown.kubeconfig,
    context: shown.context ?? kc.getCurrentContext(),
    server: normalizeServer(c.server),
    ...(ca ? { ca } : {}),
    // 403 (no right to read namespaces) and the like: answered, compared by URL and CA instead.
    ...(answer.status === 200 && typeof uid === 'string' ? { uid } : {}),
  };
}

function caDigest(c: { caData?: string; caFile?: string }): string | undefined {
  try {
    const pem = c.caData ? Buffer.from(c.caData, 'base64') : c.caFile ? readFileSync(c.caFile) : undefined;
    return pem ? createHash('sha256').update(pem).digest('hex').slice(0, 16) : undefined;
  } catch {
    return undefined; // an unreadable CA file: the deploy says so; compared by URL alone
  }
}

/** One GET with the kubeconfig's credentials; any HTTP answer resolves, no answer within `ms` rejects. */
async function getJson(
  kc: KubeConfig,
  server: string,
  path: string,
  ms: number,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(path, server);
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(url, { ...options, method: 'GET', timeout: ms }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${ms / 1000} s`)), ms);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end();
  });
}
