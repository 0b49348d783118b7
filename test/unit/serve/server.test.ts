// The pages' server (core/serve/server.ts) on a real loopback socket with a status handed in:
// every endpoint, the mask applied to page and JSON alike, the bearer token, read-only methods,
// and the cache: requests never read the status again.
import { get } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReleaseState } from '../../../core/deploy/plan.js';
import { statusCache } from '../../../core/serve/cache.js';
import { startServer } from '../../../core/serve/server.js';
import type { Status } from '../../../core/serve/types.js';
import { SecretMask } from '../../../core/shared/mask.js';
import { sampleStatus } from '../../helpers/status-sample.js';

const secret = 'hunter2-"Zq';
const mask = new SecretMask();
mask.add(secret);

function withSecret(): Status {
  const s = sampleStatus({ teams: 1, states: { 'team0-api': ReleaseState.Failed } });
  s.deploys = [
    {
      id: 'x',
      command: 'deploy',
      started: s.refreshed,
      outcome: 'failed',
      coreVersion: '0.1.0',
      valuesCommit: 'c',
      failure: { runlevel: '50-apps', step: 'release', message: `helm said password=${secret}` },
    },
  ];
  return s;
}

test('every endpoint answers from the one status, secrets masked on the page and in the JSON', async () => {
  const status = withSecret();
  const srv = await startServer({ source: () => status, listen: { port: 0 }, mask: (t) => mask.mask(t) });
  try {
    for (const path of [
      '',
      'api/v1/status',
      'api/v1/cluster',
      'api/v1/releases',
      'api/v1/deploys',
      'api/v1/images',
    ]) {
      const r = await fetch(srv.url + path);
      assert.is(r.status, 200, path);
      const body = await r.text();
      assert.not.match(body, 'hunter2', path);
      if (path.startsWith('api')) JSON.parse(body);
    }
    const deploys = (await (await fetch(`${srv.url}api/v1/deploys`)).json()) as {
      deploys: { failure: { message: string } }[];
    };
    assert.is(deploys.deploys[0]?.failure.message, 'helm said password=***');
    const page = await (await fetch(srv.url)).text();
    assert.match(page, 'helm said password&#x3D;***');
    const cluster = (await (await fetch(`${srv.url}api/v1/cluster`)).json()) as Record<string, unknown>;
    assert.is(cluster.runlevels, undefined);
    assert.equal((cluster.counts as Record<string, number>).failed, 1);
  } finally {
    await srv.close();
  }
});

test('filters are query parameters, the same for the page and the JSON', async () => {
  const status = withSecret();
  const srv = await startServer({ source: () => status, listen: { port: 0 }, mask: (t) => mask.mask(t) });
  try {
    const j = (await (await fetch(`${srv.url}api/v1/releases?state=failed`)).json()) as {
      runlevels: { releases: { release: string }[] }[];
    };
    assert.equal(
      j.runlevels.flatMap((rl) => rl.releases.map((r) => r.release)),
      ['team0-api'],
    );
    const page = await (await fetch(`${srv.url}?state=failed`)).text();
    assert.match(page, 'id="r-team0-team0-api"');
    assert.not.match(page, 'id="r-team0-team0-web"');
  } finally {
    await srv.close();
  }
});

test('a bearer token is required when set; /healthz needs none; only GET and HEAD', async () => {
  const status = withSecret();
  const srv = await startServer({
    source: () => status,
    listen: { port: 0 },
    auth: { token: 'tok-123456' },
    mask: (t) => t,
  });
  try {
    assert.is((await fetch(srv.url)).status, 401);
    assert.is((await fetch(srv.url, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.is((await fetch(srv.url, { headers: { authorization: 'Bearer tok-123456' } })).status, 200);
    assert.is((await fetch(`${srv.url}healthz`)).status, 200);
    const post = await fetch(`${srv.url}api/v1/status`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok-123456' },
    });
    assert.is(post.status, 405);
    const missing = await fetch(`${srv.url}nope`, { headers: { authorization: 'Bearer tok-123456' } });
    assert.is(missing.status, 404);
  } finally {
    await srv.close();
  }
});

test('headers: no external source allowed, an ETag that answers 304, nothing before the first read', async () => {
  let status: Status | undefined;
  const srv = await startServer({ source: () => status, listen: { port: 0 }, mask: (t) => t });
  try {
    assert.is((await fetch(srv.url)).status, 503);
    status = withSecret();
    const r = await fetch(srv.url);
    assert.match(r.headers.get('content-security-policy') ?? '', "default-src 'none'");
    const etag = r.headers.get('etag') ?? '';
    assert.is((await fetch(srv.url, { headers: { 'if-none-match': etag } })).status, 304);
    status = { ...status, refreshed: '2026-12-07T18:00:00.000Z' };
    assert.is(
      (await fetch(srv.url, { headers: { 'if-none-match': etag } })).status,
      200,
      'a new status, a new page',
    );
    const zipped = await new Promise<{ encoding?: string; bytes: number }>((resolve) => {
      get(srv.url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
        });
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes: n }));
      });
    });
    assert.is(zipped.encoding, 'gzip');
    assert.ok(
      zipped.bytes <
        (await (await fetch(srv.url, { headers: { 'accept-encoding': 'identity' } })).text()).length,
    );
    const css = await fetch(`${srv.url}static/style.css`);
    assert.match(css.headers.get('content-type') ?? '', 'text/css');
    assert.match(await css.text(), 'prefers-color-scheme:dark');
  } finally {
    await srv.close();
  }
});

test('the cache reads once per refresh, whatever the requests; a failed read keeps the facts and says so', async () => {
  let reads = 0;
  let fail = false;
  const cache = statusCache({
    read: async () => {
      reads++;
      if (fail) throw new Error('connect ECONNREFUSED 127.0.0.1:6443\nstack');
      return withSecret();
    },
    intervalMs: 3_600_000,
    empty: () => sampleStatus({ teams: 0 }),
  });
  await cache.start();
  const srv = await startServer({ source: cache.current, listen: { port: 0 }, mask: (t) => t });
  try {
    await Promise.all(Array.from({ length: 20 }, () => fetch(srv.url).then((r) => r.text())));
    assert.is(reads, 1);
    fail = true;
    await Promise.all([cache.refresh(), cache.refresh()]);
    assert.is(reads, 2, 'a read already running is joined');
    const s = (await (await fetch(`${srv.url}api/v1/status`)).json()) as {
      error: string;
      counts: { failed: number };
    };
    assert.is(s.error, 'connect ECONNREFUSED 127.0.0.1:6443');
    assert.is(s.counts.failed, 1, 'the last facts stay, marked');
  } finally {
    cache.stop();
    await srv.close();
  }
});

test.run();
