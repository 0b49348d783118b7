// GET as JSON from the API server with plain node:https and a kept-alive agent of its own: for the
// read-mostly bursts (discovery, the drift read) that client-node would send each over a new TLS
// connection. Not through client-node's fetch: its node-fetch (2.7) reports "Premature close" on
// a kept-alive socket that carries another request as a chunked response ends. Raw JSON, not the
// client's typed models: those rename fields (CRD schemas' x-kubernetes-*) and drop unknown ones.
import http from 'node:http';
import https from 'node:https';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';

export type KubeGet = (path: string) => Promise<unknown>;

/** GET a path of the API server as JSON, with the kubeconfig's credentials, TLS and proxy. */
export function kubeGet(kc: KubeConfig): KubeGet {
  const server = (kc.getCurrentCluster()?.server ?? '').replace(/\/$/, '');
  let options: Promise<https.RequestOptions> | undefined;
  const connection = async () => {
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    // A few kept-alive connections for the few dozen reads (eight at most: a burst of requests
    // shares them instead of each making a TLS connection), unless a proxy agent is in the way.
    const agent = opts.agent;
    if (agent?.constructor === https.Agent || agent?.constructor === http.Agent) {
      const Agent = agent.constructor as typeof https.Agent;
      opts.agent = new Agent({ ...(agent as https.Agent).options, keepAlive: true, maxSockets: 8 });
    }
    return opts;
  };
  return async (path) => {
    options ??= connection();
    const opts = await options;
    const url = new URL(server + path);
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        { ...opts, method: 'GET', headers: { ...opts.headers, Accept: 'application/json' }, timeout: 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              // not JSON: an error page from a proxy; kept as text for the message
            }
            if (status >= 200 && status < 300) resolve(body);
            else reject(new ApiException(status, `GET ${path}: HTTP ${status}`, body, {}));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`GET ${path}: ETIMEDOUT`)));
      req.on('error', reject);
      req.end();
    });
  };
}
