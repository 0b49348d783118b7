// The sync agent from a given image as a background container on the host (the local cluster's
// kwok nodes run no containers): its /status, log and exit code, kept until removed.
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import * as assert from 'uvu/assert';
import type { AgentStatus } from '../../core/sync/agent.js';
import { docker, dockerArgs } from './docker.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

export interface RunningAgent {
  name: string;
  base: string;
  status(): Promise<AgentStatus | undefined>;
  running(): Promise<boolean>;
  logs(): Promise<string>;
  waitFor(what: string, ok: (s: AgentStatus) => boolean): Promise<AgentStatus>;
  /** Its exit code, once it has exited by itself. */
  exited(): Promise<number>;
}

const started: string[] = [];

/** `docker run` of exactly `ref` in the background: the loop every 5 s, as the chart runs it in the cluster. */
export async function startAgentContainer(
  ref: string,
  repoUrl: string,
  mounts: Record<string, string>,
): Promise<RunningAgent> {
  const name = `rl-sync-upgrade-${Math.random().toString(36).slice(2, 8)}`;
  const port = await freePort();
  const args = ['sync', '--repo', repoUrl, '--branch', 'main', '--cluster', 'dev', '--interval', '5s'];
  const r = await docker(
    dockerArgs([...args, '--listen', `127.0.0.1:${port}`, '--work-dir', '/work'], {
      image: ref,
      detach: true,
      name,
      mounts,
      writable: ['/work'],
      env: { RUNLEVEL_AGE_KEY_FILE: '/keys/age.key', RUNLEVEL_AGENT_NAMESPACE: 'runlevel-system' },
    }),
    300_000,
  );
  assert.is(r.exitCode, 0, String(r.stderr));
  started.push(name);
  const base = `http://127.0.0.1:${port}`;
  const logs = async () => {
    const l = await docker(['logs', name]);
    return `${l.stdout}${l.stderr}`;
  };
  const running = async () =>
    String((await docker(['inspect', '--format', '{{.State.Running}}', name])).stdout).trim() === 'true';
  const status = async () =>
    fetch(`${base}/status`)
      .then((res) => res.json() as Promise<AgentStatus>)
      .catch(() => undefined);
  return {
    name,
    base,
    status,
    running,
    logs,
    async waitFor(what, ok) {
      // Bounded generously: a slow machine takes longer, it does not fail.
      for (let i = 0; i < 1800; i++) {
        const s = await status();
        if (s && ok(s)) return s;
        if (!(await running())) throw new Error(`the agent exited waiting for ${what}:\n${await logs()}`);
        await sleep(500);
      }
      throw new Error(
        `no ${what} after 15 min; last status ${JSON.stringify(await status())}\n${await logs()}`,
      );
    },
    async exited() {
      const w = await docker(['wait', name], 900_000);
      return Number(String(w.stdout).trim());
    },
  };
}

/** Removes every container started here (test.after). */
export async function removeAgentContainers(): Promise<void> {
  for (const name of started.splice(0)) await docker(['rm', '--force', name]);
}
