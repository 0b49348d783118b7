// The browser tier's tools: Debian's chromium driven by puppeteer-core (no browser download), a
// `runlevel serve` started as users start it, the secret scan of what the browser received, and
// screenshots kept as artifacts under .runlevel/artifacts/browser/.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { coreRoot } from '../../core/shared/paths.js';
import { cleanEnv } from './cli.js';
import { leaks } from './secret-scan.js';

export const chromiumPath = '/usr/bin/chromium';
export const artifacts = join(coreRoot, '.runlevel/artifacts/browser');

export async function launchBrowser(): Promise<Browser> {
  // As root (make test runs as root) chromium needs --no-sandbox; nothing it opens is untrusted.
  return puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
}

export interface Served {
  url: string;
  stop(): Promise<void>;
  stderr(): string;
}

/** `runlevel serve ARGS --listen 127.0.0.1:0` as a child; its URL is the first line it prints. */
export async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child: ResultPromise = execa(
    join(coreRoot, 'bin/runlevel'),
    ['serve', ...args, '--listen', '127.0.0.1:0'],
    {
      env: { ...cleanEnv(), NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain', ...env },
      extendEnv: false,
      reject: false,
      buffer: false,
    },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = /^(http:\/\/\S+)\n/m.exec(out);
      if (line?.[1]) resolve(line[1]);
    });
    void child.then((r) => reject(new Error(`runlevel serve exited ${r.exitCode}:\n${err}`)));
  });
  return {
    url,
    stderr: () => err,
    async stop() {
      if (child.pid) process.kill(child.pid, 'SIGTERM');
      await child;
    },
  };
}

/** Reads the JSON at `path` until `ok` holds for it (each read is the cached status; it refreshes). */
export async function untilStatus<T>(
  url: string,
  ok: (s: T) => boolean,
  what: string,
  limitMs = 240_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = (await (await fetch(`${url}api/v1/status`)).json()) as T;
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the status never showed ${what}; last: ${JSON.stringify(last).slice(0, 2000)}`);
}

/** Every text response the page received, for the secret scan. */
export function recordResponses(
  page: Page,
  seen: { url: string; body: string }[] = [],
): { url: string; body: string }[] {
  page.on('response', (r) => {
    void r
      .text()
      .then((body) => seen.push({ url: r.url(), body }))
      .catch(() => {});
  });
  return seen;
}

/** Markers found in a body, as served and with HTML entities decoded (as a person reads it). */
export function leaksIn(body: string, markers: readonly (string | number)[]): string[] {
  const decoded = body
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
  return [...new Set([...leaks(body, markers), ...leaks(decoded, markers)])];
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, type: 'png' });
  return path;
}

/** axe-core's WCAG 2 A and AA rules, run in the page (its source injected: no network). */
export async function axeViolations(page: Page): Promise<string[]> {
  const source = readFileSync(join(coreRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  const result = (await page.evaluate(
    // biome-ignore lint/suspicious/noExplicitAny: axe is a global the injected script defines
    () => (globalThis as any).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }),
  )) as { violations: { id: string; help: string; nodes: { target: string[] }[] }[] };
  return result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}
