// Status page benchmark: the cluster page of a platform of 50 and 200 teams (the reference
// platform's shape: 7 platform releases + 3 apps per team), served by the pages' server from its
// cache. Measures time to first byte (the first request of a status, which masks and renders it,
// and the cached page after), page weight (HTML + the stylesheet, as sent and gzipped), and
// requests per second with autocannon on loopback, bounded in count and time.
// Usage: node dist/bench/serve/run.js [--teams 50,200] [--amount 20000] [--seconds 60] [--connections 10]
import { request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { renderCluster } from '../../core/serve/render.js';
import { startServer } from '../../core/serve/server.js';
import { log } from '../../core/shared/log.js';
import { coreRoot } from '../../core/shared/paths.js';
import { sampleStatus } from '../../test/helpers/status-sample.js';

const argv = process.argv.slice(2);
const arg = (name: string, def: string) =>
  argv.includes(name) ? (argv[argv.indexOf(name) + 1] ?? def) : def;
const teamCounts = arg('--teams', '50,200').split(',').map(Number);
const seconds = Number(arg('--seconds', '60'));
const connections = Number(arg('--connections', '10'));
const maxRequests = Number(arg('--amount', '20000'));

/** ms from sending the request to the first byte of the body, and the body. */
function ttfb(url: string): Promise<{ ms: number; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let first: bigint | undefined;
    const chunks: Buffer[] = [];
    request(url, (res) => {
      res.on('data', (c: Buffer) => {
        first ??= process.hrtime.bigint();
        chunks.push(c);
      });
      res.on('end', () =>
        resolve({
          ms: Number((first ?? process.hrtime.bigint()) - started) / 1e6,
          bytes: Buffer.concat(chunks),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const rows: string[] = [];
for (const teams of teamCounts) {
  const status = sampleStatus({ teams });
  const releases = status.counts.total;
  const renders: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    renderCluster(status, { refresh: 30 });
    renders.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const srv = await startServer({
    source: () => status,
    listen: { port: 0 },
    refreshSeconds: 30,
    mask: (s) => log.mask(s),
  });
  try {
    const cold = await ttfb(srv.url);
    const warm: number[] = [];
    for (let i = 0; i < 50; i++) warm.push((await ttfb(srv.url)).ms);
    const css = (await ttfb(`${srv.url}static/style.css`)).bytes;
    const html = cold.bytes;
    const load = await execa(
      process.execPath,
      [
        join(coreRoot, 'node_modules/autocannon/autocannon.js'),
        '--json',
        '-c',
        String(connections),
        '-a',
        String(maxRequests),
        '-H',
        'accept-encoding=gzip',
        srv.url,
      ],
      // autocannon stops at the count; the time bound is ours.
      { reject: false, timeout: seconds * 1000, killSignal: 'SIGINT' },
    );
    const r = JSON.parse(load.stdout) as {
      requests: { average: number; total: number };
      latency: { p50: number; p99: number };
      errors: number;
      non2xx: number;
      duration: number;
    };
    rows.push(
      `| ${teams} | ${releases} | ${median(renders).toFixed(1)} | ${cold.ms.toFixed(1)} | ${median(warm).toFixed(2)} | ${(html.length / 1024).toFixed(0)} KiB + ${(css.length / 1024).toFixed(1)} KiB | ${(gzipSync(html).length / 1024).toFixed(1)} KiB + ${(gzipSync(css).length / 1024).toFixed(1)} KiB | ${Math.round(r.requests.average)} (${r.requests.total} in ${r.duration.toFixed(0)} s; p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms; ${r.errors} errors, ${r.non2xx} non-2xx) |`,
    );
  } finally {
    await srv.close();
  }
}
console.log(
  [
    `| teams | releases | render (ms, median of 5) | TTFB first request (ms) | TTFB cached (ms, median of 50) | page weight: HTML + CSS | as sent gzipped | requests/s (gzipped page), ${connections} connections, ≤ ${maxRequests} requests, ≤ ${seconds} s |`,
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n'),
);
