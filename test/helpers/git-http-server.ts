// A real git server for the sync tests: git's own `git http-backend` (smart HTTP, shallow fetches,
// protocol v2) behind a small Node HTTP server on 127.0.0.1, run as its own process so a test can
// stop it (SIGKILL by PID) and start it again on the same port. Optional basic auth: user:password
// in RUNLEVEL_TEST_GIT_AUTH. Prints the port on stdout once listening.
// Usage: node git-http-server.js <project root> [port]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';

const [root = '', portArg = '0'] = process.argv.slice(2);
const auth = process.env.RUNLEVEL_TEST_GIT_AUTH;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let user = '';
  if (auth) {
    const given = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    if (given !== auth) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('unauthorized\n');
      return;
    }
    user = auth.split(':')[0] ?? '';
  }
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      REMOTE_USER: user,
      REMOTE_ADDR: '127.0.0.1',
    },
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString().split('\r\n')) {
      const i = line.indexOf(':');
      const k = line.slice(0, i).trim();
      const v = line.slice(i + 1).trim();
      if (/^status$/i.test(k)) status = Number.parseInt(v, 10);
      else headers[k] = v;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  cgi.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  cgi.on('close', () => {
    if (!headersDone) res.writeHead(500).end();
    else res.end();
  });
});

server.listen(Number(portArg), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : ''}\n`);
});
