// The sync agent's status page in a real browser (Debian's chromium): `runlevel sync` follows the
// real git server into the shared local cluster; after its first sync a person opens its page
// with JavaScript off and reads the agent's state and the deployed commit; after an invalid push,
// the refusal and why. A screenshot of each, axe-core's WCAG AA rules, and the secret-marker scan
// of every response the browser received.
import type { Browser, Page } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type AgentPageRig, deployedAndRead, startAgentPage } from '../helpers/agent-page.js';
import { axeViolations, launchBrowser, leaksIn, recordResponses, screenshot } from '../helpers/browser.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let rig: AgentPageRig;
let c1: string;
let browser: Browser;
const received: { url: string; body: string }[] = [];

/** The agent's page as a person opens it (the token as a header, as a proxy in front would add it). */
async function open(opts: { js?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
  await page.setJavaScriptEnabled(opts.js ?? false);
  await page.setExtraHTTPHeaders({ authorization: `Bearer ${rig.token}` });
  recordResponses(page, received);
  await page.goto(`${rig.url}?refresh=0`, { waitUntil: 'load' });
  return page;
}

/** The text as rendered, what a person reads. */
const text = (page: Page, selector: string) =>
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
  page.$eval(selector, (el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim());

// uvu does not print a failed before hook: say why, then fail every test of the file.
test.before(async () => {
  try {
    assert.ok(kubeconfig, 'the browser tier sets KUBECONFIG to the shared local cluster');
    const r = await startAgentPage(kubeconfig);
    rig = r;
    c1 = r.first;
    browser = await launchBrowser();
  } catch (err) {
    console.error(`set-up failed: ${(err as Error).stack ?? String(err)}`);
    throw err;
  }
});

test.after(async () => {
  await browser?.close();
  await rig?.remove();
});

test('after a sync, JavaScript off: the agent is Idle and shows the commit it deployed', async () => {
  await rig.until('c1 deployed and read', deployedAndRead(c1));
  const page = await open();
  const agent = await text(page, '#agent');
  assert.match(agent, /State ✔?\s*Idle/);
  assert.match(agent, new RegExp(`Commit deployed ${c1.slice(0, 12)} initial values \\(dev, `));
  assert.match(agent, new RegExp(`Newest seen ${c1.slice(0, 12)} initial values`));
  assert.match(await text(page, 'main dl.facts'), /Sync agent Idle/);
  assert.match(await text(page, '#r-team-demo-demo-hello'), /in sync/);
  await page.$eval('#h-agent', (el) => el.scrollIntoView());
  await screenshot(page, 'agent-synced');
  await page.close();
});

test('after an invalid push: the page says Invalid, the refused commit and why; the last good stays', async () => {
  const c2 = await rig.server.commit({ 'common/apps/hello.yaml': 'replicas: [oops\n' }, 'broken yaml');
  await rig.until(
    'c2 refused',
    (x) => x.agent?.refused?.commit === c2 && x.agent.newest?.subject !== undefined,
  );
  const page = await open();
  const agent = await text(page, '#agent');
  assert.match(agent, /State ✗?\s*Invalid/);
  assert.match(agent, new RegExp(`Commit deployed ${c1.slice(0, 12)} initial values`));
  assert.match(agent, new RegExp(`Newest seen ${c2.slice(0, 12)} broken yaml`));
  assert.match(agent, new RegExp(`Refused ✗?\\s*refused ${c2.slice(0, 12)}: .*hello\\.yaml`));
  // Not colour alone: the state has its icon beside the word.
  const icon = await page.$eval('#agent .state', (el) => getComputedStyle(el, '::before').content);
  assert.is(icon, '"✗"');
  await page.$eval('#h-agent', (el) => el.scrollIntoView());
  await screenshot(page, 'agent-refused');
  await page.close();
});

test('WCAG 2 AA by axe-core on the agent page', async () => {
  const page = await open({ js: true });
  await page.setBypassCSP(true); // axe is injected as a script the page's own CSP would refuse
  await page.reload({ waitUntil: 'load' });
  assert.equal(await axeViolations(page), []);
  await page.close();
});

test('no secret marker in any response the browser received, or as a person reads the page', async () => {
  const page = await open();
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, as a person reads it
  received.push({ url: 'innerText', body: await page.evaluate(() => document.body.innerText) });
  await page.close();
  assert.ok(received.length >= 6, `responses scanned: ${received.length}`);
  for (const r of received) assert.equal(leaksIn(r.body, rig.markers), [], r.url);
});

test.run();
