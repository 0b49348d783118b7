// The cluster page in a real browser (Debian's chromium) against the shared local cluster, served
// by `runlevel serve` as users start it: after a deploy, after a drift made through the API as
// kubectl makes it, and after a failed deploy, asserting what a person sees; the page with
// JavaScript off; the scroll kept across the auto-refresh; axe-core's WCAG AA rules in light and
// dark; at 360 px; and a scan for secret markers of every page and JSON response.
import { AppsV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import type { Browser, Page } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ClusterStatus } from '../../core/serve/types.js';
import { loadKubeConfig } from '../../core/shared/kube.js';
import { findTool, toolEnv } from '../../core/shared/tools.js';
import { beforeSaying } from '../helpers/before.js';
import {
  axeViolations,
  launchBrowser,
  leaksIn,
  recordResponses,
  type Served,
  screenshot,
  serve,
  untilStatus,
} from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { secretMarkers } from '../helpers/secret-scan.js';
import { initValuesRepo, type ValuesRepo } from '../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
const markers = secretMarkers();
const markerList = [markers.password, markers.pull, markers.token, markers.pin];
let repo: ValuesRepo;
let browser: Browser;
let served: Served;
const received: { url: string; body: string }[] = [];

const common = () => ['--cluster', repo.cluster, '--values', repo.dir, '--kubeconfig', kubeconfig];
const deploy = (...args: string[]) => runCli(['deploy', ...common(), ...args], { timeoutMs: 400_000 });
const kubectl = (...args: string[]) =>
  execa(findTool('kubectl') ?? 'kubectl', [...args, '--kubeconfig', kubeconfig], { env: toolEnv() });

const releaseOf = (s: ClusterStatus, name: string) =>
  s.runlevels.flatMap((rl) => rl.releases).find((r) => r.release === name);

/**
 * The page at `query`; paused (?refresh=0) unless `live`, so that a reload on its timer cannot
 * land in the middle of what a test does (the reload itself is tested with `live`).
 */
async function open(
  query = '',
  opts: { js?: boolean; width?: number; dark?: boolean; live?: boolean } = {},
): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: opts.width ?? 1100, height: 760 });
  await page.setJavaScriptEnabled(opts.js ?? true);
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: opts.dark ? 'dark' : 'light' }]);
  recordResponses(page, received);
  const params = new URLSearchParams(query);
  if (!opts.live) params.set('refresh', '0');
  await page.goto(`${served.url}?${params}`, { waitUntil: 'load' });
  return page;
}

/** The text as rendered, what a person reads (not the DOM's textContent). */
const text = (page: Page, selector: string) =>
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
  page.$eval(selector, (el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim());

beforeSaying(test, setUp);

async function setUp(): Promise<void> {
  assert.ok(kubeconfig, 'the browser tier sets KUBECONFIG to the shared local cluster');
  repo = await initValuesRepo('dev');
  await repo.writeSecrets(`clusters/${repo.cluster}/secrets.sops.yaml`, {
    platform: {
      sso: { adminPassword: markers.password },
      registry: { pullSecret: { enabled: true, username: 'puller', password: markers.pull } },
    },
    apps: { hello: { values: { env: { API_TOKEN: markers.token, PIN: markers.pin } } } },
  });
  let first = await deploy();
  if (first.code === 5 && /no matches for kind/.test(first.stderr)) {
    // On a cluster just started, gatekeeper may not yet serve the constraint kinds of 10-policies
    // (a race of the deploy, reported apart; not what this file tests): the second deploy finds them.
    console.error('first deploy hit the gatekeeper constraint-kind race; deploying again');
    first = await deploy();
  }
  assert.is(first.code, 0, first.stderr);
  served = await serve([...common(), '--refresh', '3s']);
  browser = await launchBrowser();
}

test.after(async () => {
  await browser?.close();
  await served?.stop();
  await repo?.remove();
});

test('after a deploy: every release in sync and ready, the deploy succeeded, images listed', async () => {
  await untilStatus<ClusterStatus>(
    served.url,
    (s) => s.inSync && s.deploys[0]?.outcome === 'succeeded',
    'in sync',
  );
  const page = await open();
  assert.match(await text(page, 'h1'), /^dev all in sync$/);
  const hello = await text(page, '#r-team-demo-demo-hello');
  assert.match(hello, /demo-hello/);
  assert.match(hello, /in sync/);
  assert.match(hello, /ready/);
  assert.match(await text(page, '#h-deploys + table tbody tr'), /deploy succeeded/);
  assert.match(await text(page, '#h-images + table'), /nginx-unprivileged/);
  assert.match(await text(page, '#agent'), /^no agent/, 'runlevel serve: no agent serves this page');
  await screenshot(page, 'cluster-deployed');
  await page.close();
});

test('after a drift made through the API: the release says drifted, with the object and field', async () => {
  const apps = loadKubeConfig(kubeconfig).makeApiClient(AppsV1Api);
  const d = await apps.readNamespacedDeployment({ name: 'demo-hello', namespace: 'team-demo' });
  if (d.spec) d.spec.replicas = 3; // kubectl scale --replicas=3
  for (const c of d.spec?.template.spec?.containers ?? [])
    for (const e of c.env ?? []) if (e.name === 'API_TOKEN') e.value = 'changed-by-hand'; // kubectl set env
  await apps.replaceNamespacedDeployment({ name: 'demo-hello', namespace: 'team-demo', body: d });

  await untilStatus<ClusterStatus>(
    served.url,
    (s) => releaseOf(s, 'demo-hello')?.state === 'drifted',
    'the drift',
  );
  const page = await open();
  // Every row the page shows is a release of the JSON, in the same state, and none is missing.
  const json = (await (await fetch(`${served.url}api/v1/status`)).json()) as ClusterStatus;
  const fromJson = json.runlevels.flatMap((rl) =>
    rl.releases.map((r) => [`r-${r.namespace}-${r.release}`, r.state]),
  );
  const onPage = await page.$$eval('tr[data-state]', (trs) =>
    trs.map((tr) => [tr.id, tr.getAttribute('data-state')]),
  );
  assert.equal(onPage, fromJson);
  assert.match(await text(page, 'h1'), /1 drifted/);
  const row = await text(page, '#r-team-demo-demo-hello');
  assert.match(row, /drifted/);
  // The state has its icon beside the word (not colour alone).
  const icon = await page.$eval(
    '#r-team-demo-demo-hello .state',
    (el) => getComputedStyle(el, '::before').content,
  );
  assert.is(icon, '"≠"');
  assert.match(row, /Deployment\/team-demo\/demo-hello/);
  assert.match(row, /spec\.replicas: 3 \(live\), 1 \(values\)/);
  assert.match(row, /env\[name=API_TOKEN\]\.value: changed-by-hand \(live\), \*\*\* \(values\)/);
  assert.is(await page.$eval('#r-team-demo-demo-hello', (el) => el.getAttribute('data-state')), 'drifted');
  await page.$eval('#r-team-demo-demo-hello', (el) => el.scrollIntoView());
  await screenshot(page, 'cluster-drifted');

  // The filter, as a person uses it: choose the state, press Filter; the JSON link says the same.
  await page.select('select[name=state]', 'drifted');
  await Promise.all([page.waitForNavigation(), page.click('form.filter button')]);
  assert.match(page.url(), /state=drifted/);
  const rows = await page.$$eval('tr[data-state]', (trs) => trs.map((tr) => tr.id));
  assert.equal(rows, ['r-team-demo-demo-hello']);
  await page.close();
});

test('with JavaScript off the page is whole and the filter still works (a plain GET form)', async () => {
  const page = await open('', { js: false });
  assert.match(await text(page, '#r-team-demo-demo-hello'), /drifted/);
  await page.type('input[name=namespace]', 'team-demo');
  await Promise.all([page.waitForNavigation(), page.click('form.filter button')]);
  const namespaces = await page.$$eval('tr[data-state] td[data-label=Namespace]', (tds) =>
    tds.map((td) => td.textContent),
  );
  assert.ok(namespaces.length > 0);
  assert.equal([...new Set(namespaces)], ['team-demo']);
  assert.match(page.url(), /refresh=0/, 'a paused page stays paused through the filter');
  await page.close();
  // Without the script, the <noscript> meta refresh still reloads the page, filter kept.
  const live = await open('namespace=team-demo', { js: false, live: true });
  const url = live.url();
  await live.waitForNavigation({ timeout: 60_000 });
  assert.is(live.url(), url);
  await live.close();
});

test('the auto-refresh reloads the page and keeps where the reader had scrolled', async () => {
  const page = await open('', { width: 700, live: true });
  await page.evaluate(() => window.scrollTo(0, 600));
  const before = await page.evaluate(() => window.scrollY);
  assert.ok(before > 0, 'the page is long enough to scroll');
  const marker = await page.evaluate(() => performance.timeOrigin);
  await page.waitForNavigation({ timeout: 60_000 }); // the script's reload, every 5 s
  assert.ok((await page.evaluate(() => performance.timeOrigin)) !== marker, 'a new document');
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 2, { timeout: 10_000 }, before);
  await page.close();
});

test('WCAG 2 AA by axe-core in light and dark, and readable at 360 px', async () => {
  for (const dark of [false, true]) {
    const page = await open('', { dark });
    await page.setBypassCSP(true); // axe is injected as a script the page's own CSP would refuse
    await page.reload({ waitUntil: 'load' });
    assert.equal(await axeViolations(page), [], dark ? 'dark' : 'light');
    await page.close();
  }
  const narrow = await open('', { width: 360 });
  const wide = await narrow.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${(el.textContent ?? '').slice(0, 60)}`),
  );
  assert.equal(wide, [], 'nothing wider than the screen');
  await narrow.$eval('#r-team-demo-demo-hello', (el) => el.scrollIntoView());
  await screenshot(narrow, 'cluster-drifted-360px');
  await narrow.close();
});

test('after a failed deploy: the page names the failed runlevel and release', async () => {
  await kubectl('taint', 'nodes', 'kwok-node-0', 'runlevel-test=blocked:NoSchedule', '--overwrite');
  try {
    await repo.edit('common/settings.yaml', (s) => {
      s.platform.ingress.className = 'nginx-internal'; // new controller Pods in 20-ingress
    });
    const r = await deploy('--timeout', '8s');
    assert.is(r.code, 5, r.stderr);
  } finally {
    await kubectl('taint', 'nodes', 'kwok-node-0', 'runlevel-test-');
  }
  await untilStatus<ClusterStatus>(
    served.url,
    (s) => s.deploys[0]?.outcome === 'failed',
    'the failed deploy',
  );
  const page = await open();
  const last = await text(page, '#h-deploys + table tbody tr');
  assert.match(last, /failed/);
  const icon = await page.$eval(
    '#h-deploys + table tbody tr .state',
    (el) => getComputedStyle(el, '::before').content,
  );
  assert.is(icon, '"✗"');
  assert.match(last, /runlevel 20-ingress, release ingress \(readiness\): not ready in 8s/);
  assert.match(await text(page, '#r-ingress-system-ingress'), /out of sync|drifted/);
  await page.$eval('#h-deploys', (el) => el.scrollIntoView());
  await screenshot(page, 'cluster-failed');
  await page.close();
});

test('no secret marker in any page or JSON response, as served or as a person reads it', async () => {
  for (const path of [
    'api/v1/status',
    'api/v1/cluster',
    'api/v1/releases',
    'api/v1/deploys',
    'api/v1/images',
  ]) {
    received.push({ url: path, body: await (await fetch(served.url + path)).text() });
  }
  const page = await open();
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, as a person reads it
  received.push({ url: 'innerText', body: await page.evaluate(() => document.body.innerText) });
  await page.close();
  assert.ok(received.length > 10, `responses scanned: ${received.length}`);
  assert.ok(
    received.some((r) => r.body.includes('API_TOKEN')),
    'the drifted secret field was on a page',
  );
  for (const r of received) assert.equal(leaksIn(r.body, markerList), [], r.url);
  assert.equal(leaksIn(served.stderr(), markerList), [], 'serve stderr');
});

test.run();
