// Runs `runlevel sync` as a real process for the e2e tests, reads its /status and /metrics, sends
// it hooks, and stops it by PID (SIGTERM) or kills it (SIGKILL). Waits are on its state, with
// generous bounds: a slow machine takes longer, it does not fail.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { coreRoot } from '../../core/shared/paths.js';
import type { AgentStatus } from '../../core/sync/agent.js';
import { cleanEnv } from './cli.js';

export interface Agent {
  readonly pid: number;
  readonly base: string;
  /** Everything it wrote on stderr so far. */
  log(): string;
  status(): Promise<AgentStatus>;
  metrics(): Promise<string>;
  get(path: string): Promise<{ code: number; text: string }>;
  hook(body: string, secret: string, header?: string): Promise<number>;
  /** Polls /status until `ok` says so; fails after `timeoutMs` with the last status and the log. */
  waitFor(what: string, ok: (s: AgentStatus) => boolean, timeoutMs?: number): Promise<AgentStatus>;
  /** Resolves when the log has a line matching `re`. */
  waitLog(re: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

export async function startAgent(
  args: string[],
  env: Record<string, string> = {},
  opts: { token?: string } = {},
): Promise<Agent> {
  const child: ChildProcess = spawn(
    `${coreRoot}/bin/runlevel`,
    ['sync', '--listen', '127.0.0.1:0', ...args],
    {
      env: { ...cleanEnv(), NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = await Promise.race([
    (async () => {
      for (;;) {
        const m = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
        if (m?.[1]) return m[1];
        await sleep(100);
      }
    })(),
    exited.then((code) => {
      throw new Error(`runlevel sync exited ${code} before serving:\n${err}`);
    }),
  ]);

  const get = async (path: string) => {
    // With --auth-file, /status and the pages need the token (the probes and /metrics do not).
    const headers: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
    const r = await fetch(`${base}${path}`, { headers });
    return { code: r.status, text: await r.text() };
  };
  const status = async () => JSON.parse((await get('/status')).text) as AgentStatus;
  const agent: Agent = {
    pid: child.pid ?? -1,
    base,
    log: () => err,
    status,
    metrics: async () => (await get('/metrics')).text,
    get,
    async hook(body, secret, header = 'x-hub-signature-256') {
      const sig = createHmac('sha256', secret).update(body).digest('hex');
      const r = await fetch(`${base}/hook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [header]: header === 'x-hub-signature-256' ? `sha256=${sig}` : sig,
        },
        body,
      });
      return r.status;
    },
    async waitFor(what, ok, timeoutMs = 600_000) {
      const deadline = Date.now() + timeoutMs;
      let last: AgentStatus | undefined;
      while (Date.now() < deadline) {
        if (child.exitCode !== null)
          throw new Error(`the agent exited ${child.exitCode} waiting for ${what}:\n${err}`);
        last = await status().catch(() => last);
        if (last && ok(last)) return last;
        await sleep(500);
      }
      throw new Error(
        `waited ${timeoutMs / 1000}s for ${what}; last status ${JSON.stringify(last)}\n${err.slice(-4000)}`,
      );
    },
    async waitLog(re, timeoutMs = 600_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (re.test(err)) return;
        if (child.exitCode !== null) break;
        await sleep(300);
      }
      throw new Error(`no log line ${re} from the agent:\n${err.slice(-4000)}`);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  return agent;
}

/** A metric's value from the exposition text: the first sample whose labels include all of `labels`. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const want = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (want) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
