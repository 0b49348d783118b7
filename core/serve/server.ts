// The pages' HTTP server (node:http): read-only GETs of the cached status as HTML and as JSON at
// /api/v1/... Mountable: the sync agent starts the same server with its own source.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { applyFilter, applyFleetFilter, parseFilter } from './filter.js';
import { maskDeep } from './mask-deep.js';
import { pageScriptHash, renderCluster, renderFleet } from './render.js';
import { stylesheet } from './style.js';
import type { ClusterStatus, Status } from './types.js';

export interface ServerOptions {
  /** The cached status (cheap: called on every request). Undefined while the first read runs. */
  source: () => Status | undefined;
  listen?: { host?: string; port?: number };
  /** A bearer token every request but /healthz must carry. */
  auth?: { token: string };
  /** Seconds between page reloads (0: none). */
  refreshSeconds?: number;
  /** The one mask of secrets (log.mask); every string of the status goes through it once. */
  mask: (text: string) => string;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const security = {
  'content-security-policy': `default-src 'none'; style-src 'self'; script-src '${pageScriptHash}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** One response made once: its bytes, gzipped once too (a 200-team page: 270 KiB, 11 KiB gzipped). */
interface Prepared {
  type: string;
  body: Buffer;
  gzip?: Buffer;
  etag: string;
}

/** What one status turns into, made once per status and per query, then served as is. */
interface Made {
  status: Status;
  responses: Map<string, Prepared>;
}
const maxMadePerStatus = 256;

/**
 * The pages as a request handler, for a server that has other paths of its own (the sync agent
 * hands it every GET its own routes do not take). `startServer` is this handler on its own socket.
 */
export function statusHandler(
  opts: Omit<ServerOptions, 'listen'>,
): (req: IncomingMessage, res: ServerResponse) => void {
  const made = new WeakMap<Status, Made>();
  const tokenHash = opts.auth ? sha256(opts.auth.token) : undefined;
  const css: Prepared = made1('text/css; charset=utf-8', stylesheet);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://page.invalid');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, 405, 'text/plain', 'read-only: GET or HEAD\n', { allow: 'GET, HEAD' });
    }
    if (url.pathname === '/healthz') return send(req, res, 200, 'text/plain', 'ok\n');
    if (url.pathname === '/favicon.ico') return send(req, res, 204, 'text/plain', '');
    if (tokenHash && !authorized(req, tokenHash)) {
      return send(req, res, 401, 'text/plain', 'a bearer token is needed (Authorization: Bearer …)\n', {
        'www-authenticate': 'Bearer realm="runlevel"',
      });
    }
    if (url.pathname === '/static/style.css') {
      return cached(req, res, css, 'max-age=3600');
    }
    const raw = opts.source();
    if (!raw) {
      return send(req, res, 503, 'text/plain', 'the first status read is still running; retry shortly\n', {
        'retry-after': '2',
      });
    }
    let m = made.get(raw);
    if (!m) {
      m = { status: maskDeep(raw, opts.mask), responses: new Map() };
      made.set(raw, m);
    }
    const key = `${url.pathname}?${[...url.searchParams].sort().toString()}`;
    let r = m.responses.get(key);
    if (!r) {
      const out = respond(m.status, url, opts.refreshSeconds ?? 0);
      if (!out) return send(req, res, 404, 'text/plain', `no such page: ${url.pathname.slice(0, 200)}\n`);
      r = made1(out.type, out.body);
      if (m.responses.size >= maxMadePerStatus) m.responses.clear();
      m.responses.set(key, r);
    }
    return cached(req, res, r, 'no-cache');
  };
  return (req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      send(req, res, 500, 'text/plain', `internal error: ${opts.mask((err as Error).message)}\n`);
    }
  };
}

export function startServer(opts: ServerOptions): Promise<RunningServer> {
  const server = createServer(statusHandler(opts));
  // A slow or idle client never holds a socket for long: the pages are small and made already.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen?.port ?? 8080, opts.listen?.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve({
        url: `http://${host}:${a.port}/`,
        port: a.port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** The page or JSON a path names, from the masked status; undefined: no such path. */
function respond(status: Status, url: URL, every: number): { type: string; body: string } | undefined {
  // ?refresh=0 pauses the reload (WCAG 2.2.1: a reader can stop what changes on a timer).
  const paused = url.searchParams.get('refresh') === '0';
  const refresh = paused ? 0 : every;
  const json = (v: unknown) => ({
    type: 'application/json; charset=utf-8',
    body: `${JSON.stringify(v, null, 1)}\n`,
  });
  const html = (body: string) => ({ type: 'text/html; charset=utf-8', body });
  if (status.kind === 'fleet') {
    const shown = applyFleetFilter(status, url.searchParams);
    if (url.pathname === '/') {
      const fleetFilter = {
        cluster: url.searchParams.get('cluster') ?? undefined,
        health: url.searchParams.get('health') ?? undefined,
      };
      return html(renderFleet(shown, { refresh, paused, fleetFilter }));
    }
    if (url.pathname === '/api/v1/fleet' || url.pathname === '/api/v1/status') return json(shown);
    return undefined;
  }
  const { filter, problems } = parseFilter(url.searchParams);
  const shown = applyFilter(status, filter);
  switch (url.pathname) {
    case '/':
      return html(renderCluster(shown, { refresh, paused, filter, problems }));
    case '/api/v1/status':
      return json(shown);
    case '/api/v1/cluster':
      return json(clusterPart(status));
    case '/api/v1/releases':
      return json({
        cluster: status.cluster,
        refreshed: status.refreshed,
        runlevels: shown.runlevels,
        orphans: shown.orphans,
      });
    case '/api/v1/agent':
      return json({
        cluster: status.cluster,
        refreshed: status.refreshed,
        agent: status.agent ?? { running: false },
      });
    case '/api/v1/deploys':
      return json({ cluster: status.cluster, refreshed: status.refreshed, deploys: status.deploys });
    case '/api/v1/images':
      return json({ cluster: status.cluster, refreshed: status.refreshed, images: status.images });
    default:
      return undefined;
  }
}

/** /api/v1/cluster: the summary, without the long lists. */
function clusterPart(s: ClusterStatus) {
  const { runlevels: _r, orphans: _o, deploys, images: _i, ...rest } = s;
  return { ...rest, lastDeploy: deploys[0] };
}

function made1(type: string, text: string): Prepared {
  const body = Buffer.from(text);
  const gzip = body.length > 1024 ? gzipSync(body) : undefined;
  return {
    type,
    body,
    ...(gzip ? { gzip } : {}),
    etag: `"${sha256(body).toString('base64url').slice(0, 22)}"`,
  };
}

function cached(req: IncomingMessage, res: ServerResponse, r: Prepared, cacheControl: string): void {
  const headers = { etag: r.etag, 'cache-control': cacheControl, vary: 'accept-encoding' };
  if (req.headers['if-none-match'] === r.etag) {
    res.writeHead(304, { ...headers, ...security });
    res.end();
    return;
  }
  if (r.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    send(req, res, 200, r.type, r.gzip, { ...headers, 'content-encoding': 'gzip' });
    return;
  }
  send(req, res, 200, r.type, r.body, headers);
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  code: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(code, {
    'content-type': type.includes('charset') ? type : `${type}; charset=utf-8`,
    'content-length': String(bytes.length),
    ...security,
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/** Whether a request carries the bearer token: for paths a mounting server keeps for itself. */
export function bearerGuard(token: string): (req: IncomingMessage) => boolean {
  const want = sha256(token);
  return (req) => authorized(req, want);
}

function authorized(req: IncomingMessage, want: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1] !== undefined && timingSafeEqual(sha256(m[1]), want);
}

function sha256(text: string | Buffer): Buffer {
  return createHash('sha256').update(text).digest();
}
