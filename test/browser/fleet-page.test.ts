// The fleet page in Debian's chromium: two real local clusters (the shared one and one started
// here, reached through a kubeconfig context) and one whose API server accepts connections and
// never answers. The dead one is shown unreachable, never healthy, while the others are read;
// `runlevel fleet status` prints the same rows.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterDown, clusterUp } from '../../core/cluster/index.js';
import type { FleetStatus } from '../../core/serve/types.js';
import { loadKubeConfig } from '../../core/shared/kube.js';
import { beforeSaying } from '../helpers/before.js';
import {
  launchBrowser,
  leaksIn,
  recordResponses,
  type Served,
  screenshot,
  serve,
  untilStatus,
} from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { fixture, removeFixture } from '../helpers/fixture.js';
import { secretMarkers } from '../helpers/secret-scan.js';
import { initValuesRepo, type ValuesRepo } from '../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
const markers = secretMarkers();
const markerList = [markers.password, markers.pull, markers.token, markers.pin];
let repo: ValuesRepo;
let work: string;
let browser: Browser;
let served: Served;
let silent: Server;
const sockets: Socket[] = [];

beforeSaying(test, setUp);

async function setUp(): Promise<void> {
  assert.ok(kubeconfig, 'the browser tier sets KUBECONFIG to the shared local cluster');
  work = await fixture({}, 'runlevel-fleet-');
  const second = await clusterUp({ stateDir: join(work, 'second') });
  // An API server that takes the connection and never says a word (a hung or black-holed cluster).
  silent = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  const dead = join(work, 'dead.kubeconfig');
  await writeFile(
    dead,
    `apiVersion: v1\nkind: Config\nclusters: [{name: dead, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: dead, user: {token: not-a-secret}}]\ncontexts: [{name: dead, context: {cluster: dead, user: dead}}]\ncurrent-context: dead\n`,
  );
  repo = await initValuesRepo('dev');
  const context = loadKubeConfig(second.kubeconfig).getCurrentContext();
  await repo.edit('runlevel.yaml', (doc) => {
    doc.clusters.dev.kubeconfig = kubeconfig;
    doc.clusters.second = {
      environment: doc.clusters.dev.environment,
      kubeconfig: second.kubeconfig,
      context,
    };
    doc.clusters.gone = { environment: doc.clusters.dev.environment, kubeconfig: dead };
  });
  for (const c of ['second', 'gone']) {
    await mkdir(join(repo.dir, 'clusters', c), { recursive: true });
    await copyFile(
      join(repo.dir, 'clusters/dev/settings.yaml'),
      join(repo.dir, 'clusters', c, 'settings.yaml'),
    );
  }
  await repo.writeSecrets('common/secrets.sops.yaml', {
    platform: {
      sso: { adminPassword: markers.password },
      registry: { pullSecret: { enabled: true, username: 'puller', password: markers.pull } },
    },
    apps: { hello: { values: { env: { API_TOKEN: markers.token, PIN: markers.pin } } } },
  });
  served = await serve(['--fleet', '--values', repo.dir, '--refresh', '5s', '--timeout', '240s']);
  browser = await launchBrowser();
}

test.after(async () => {
  await browser?.close();
  await served?.stop();
  for (const s of sockets) s.destroy();
  silent?.close();
  await clusterDown({ stateDir: join(work, 'second'), purge: true });
  await repo?.remove();
  await removeFixture(work);
});

test('one row per cluster; the silent one unreachable, the two live ones read', async () => {
  const fleet = await untilStatus<FleetStatus>(served.url, (s) => s.clusters.length === 3, 'three rows');
  const by = Object.fromEntries(fleet.clusters.map((c) => [c.cluster, c]));
  assert.is(by.gone?.health, 'unreachable');
  assert.is(by.gone?.reachable, false);
  assert.match(by.gone?.error ?? '', /no answer within 5 s/);
  for (const live of ['dev', 'second']) {
    assert.is(by[live]?.reachable, true, `${live}: ${by[live]?.error}`);
    assert.ok(by[live]?.counts, `${live} has its release counts: ${by[live]?.error}`);
  }
  assert.is(
    by.second?.counts?.['not-deployed'],
    by.second?.counts?.total,
    'nothing deployed on the new cluster',
  );
  assert.is(by.second?.health, 'degraded');

  const page = await browser.newPage();
  const received = recordResponses(page);
  await page.setViewport({ width: 1100, height: 600 });
  await page.goto(served.url, { waitUntil: 'load' });
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
  const row = (id: string) => page.$eval(id, (el) => (el as HTMLElement).innerText.replace(/\s+/g, ' '));
  assert.match(await row('#c-gone'), /unreachable no answer within 5 s/);
  assert.not.match(await row('#c-gone'), /healthy/);
  assert.match(await row('#c-second'), /degraded/);
  assert.match(await row('#c-second'), /0 in sync · 0 drifted · 0 failed · 0 out of sync · \d+ not deployed/);
  assert.match(await page.$eval('h1', (el) => el.textContent ?? ''), /1 of 3 unreachable/);
  await screenshot(page, 'fleet');
  await page.close();
  for (const r of received) assert.equal(leaksIn(r.body, markerList), [], r.url);
  assert.equal(leaksIn(await (await fetch(`${served.url}api/v1/fleet`)).text(), markerList), []);
});

test('runlevel fleet status prints the same rows, and its JSON is the fleet endpoint’s shape', async () => {
  const text = await runCli(['fleet', 'status', '--values', repo.dir, '--timeout', '240s'], {
    timeoutMs: 300_000,
  });
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /^gone\s+\S+\s+✗ unreachable/m);
  assert.match(text.stdout, /^second\s+\S+\s+≠ degraded/m);
  assert.match(text.stdout, /gone: no answer within 5 s/);
  assert.equal(leaksIn(text.stdout + text.stderr, markerList), []);
  const json = await runCli(['fleet', 'status', '--values', repo.dir, '-o', 'json', '--timeout', '240s'], {
    timeoutMs: 300_000,
  });
  assert.is(json.code, 0, json.stderr);
  const fleet = JSON.parse(json.stdout) as FleetStatus;
  assert.is(fleet.kind, 'fleet');
  assert.equal(
    fleet.clusters.map((c) => [c.cluster, c.health]),
    [
      ['dev', fleet.clusters[0]?.health],
      ['second', 'degraded'],
      ['gone', 'unreachable'],
    ],
  );
});

test.run();
