// The agent's HTTP side: /healthz (the process answers), /readyz (the first sync pass ended),
// /metrics (prom-client), /status (the agent's state as JSON), POST /hook (a signed push starts a
// pass at once), and every other GET to the status pages (core/serve: /, /api/v1/…). Nothing here
// prints a credential: the status holds commits and reasons, the pages are masked.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { AgentStatus } from './agent.js';
import { verifyHook } from './hook.js';

export interface ServerOptions {
  host: string;
  port: number;
  branch: string;
  registry: Registry;
  status(): AgentStatus;
  hookSecret: string | undefined;
  onHook(result: 'accepted' | 'refused' | 'ignored', why?: string): void;
  /** The status pages' handler (it checks the bearer token itself); absent: 404 as before. */
  page?: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * The pages' bearer token also guards /status (the agent's JSON). The probes stay open (the
   * kubelet sends no token), /metrics is as before, /hook has its own signature.
   */
  authorized?: (req: IncomingMessage) => boolean;
}

const maxBody = 5 * 1024 * 1024; // GitHub caps a payload at 25 MB; a push event is far smaller

export async function startServer(opts: ServerOptions): Promise<{ server: Server; address: string }> {
  const server = createServer(async (req, res) => {
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'content-type': type }).end(body);
    };
    try {
      const path = new URL(req.url ?? '/', 'http://agent').pathname;
      if (req.method === 'GET' && path === '/healthz') return send(200, 'ok\n');
      if (req.method === 'GET' && path === '/readyz') {
        const s = opts.status();
        return s.ready ? send(200, 'ready\n') : send(503, 'the first sync has not finished\n');
      }
      if (req.method === 'GET' && path === '/metrics') {
        return send(200, await opts.registry.metrics(), opts.registry.contentType);
      }
      if (req.method === 'GET' && path === '/status') {
        if (opts.authorized && !opts.authorized(req)) {
          res.setHeader('www-authenticate', 'Bearer realm="runlevel"');
          return send(401, 'a bearer token is needed (Authorization: Bearer …)\n');
        }
        return send(200, `${JSON.stringify(opts.status(), null, 2)}\n`, 'application/json');
      }
      if (path === '/hook') {
        if (req.method !== 'POST') return send(405, 'POST a push event\n');
        const body = await readBody(req);
        if (body === undefined) return send(413, 'body too large\n');
        const v = verifyHook(req.headers, body, opts.hookSecret);
        if (!v.ok) {
          opts.onHook('refused', v.why);
          return send(401, `${v.why}\n`);
        }
        if (v.branch !== undefined && v.branch !== opts.branch) {
          opts.onHook('ignored', `a push to ${v.branch}`);
          return send(202, `ignored: a push to ${v.branch}, not ${opts.branch}\n`);
        }
        opts.onHook('accepted');
        return send(202, 'sync started\n');
      }
      if (opts.page && (req.method === 'GET' || req.method === 'HEAD')) return opts.page(req, res);
      return send(404, 'not found: /healthz, /readyz, /metrics, /status, POST /hook\n');
    } catch (err) {
      return send(500, `${(err as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const a = server.address();
  const address = typeof a === 'object' && a ? `${a.address}:${a.port}` : String(a);
  return { server, address };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBody) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** host:port, [v6]:port or :port (all interfaces) from --listen. */
export function parseListen(value: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}
