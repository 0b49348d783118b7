// The sync agent with its status page, for the e2e and browser tests of that page: a values repo
// holding secret markers, pushed to the real git server, followed by `runlevel sync` with a
// bearer token (--auth-file). remove() stops and deletes everything it made.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterStatus } from '../../core/serve/types.js';
import { type GitServer, startGitServer } from './git-server.js';
import { secretMarkers } from './secret-scan.js';
import { type Agent, startAgent } from './sync-agent.js';
import { initValuesRepo, type ValuesRepo } from './values-repo.js';

export interface AgentPageRig {
  repo: ValuesRepo;
  server: GitServer;
  agent: Agent;
  token: string;
  markers: (string | number)[];
  /** The page's URL, ending in "/". */
  url: string;
  /** A JSON path of the page, with the token. */
  json<T>(path: string): Promise<T>;
  /** Reads /api/v1/status until `ok` holds (the page is read after each pass that changed something). */
  until(what: string, ok: (s: ClusterStatus) => boolean, limitMs?: number): Promise<ClusterStatus>;
  remove(): Promise<void>;
}

/** A values repo with the markers in a sops file, its first commit pushed, the agent following it. */
export async function startAgentPage(kubeconfig: string): Promise<AgentPageRig & { first: string }> {
  const m = secretMarkers();
  const repo = await initValuesRepo('dev');
  await repo.writeSecrets('clusters/dev/secrets.sops.yaml', {
    platform: {
      sso: { adminPassword: m.password },
      registry: { pullSecret: { enabled: true, username: 'puller', password: m.pull } },
    },
    apps: { hello: { values: { env: { API_TOKEN: m.token, PIN: m.pin } } } },
  });
  const server = await startGitServer({ seed: repo.dir });
  const work = await mkdtemp(join(tmpdir(), 'runlevel-agent-page-'));
  const token = `page-token-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  await writeFile(join(work, 'token'), `${token}\n`, { mode: 0o600 });
  const first = await server.commit({}, 'initial values');
  const ageKey = join(homedir(), '.config/runlevel/age', `${basename(repo.dir)}.key`);
  const agent = await startAgent(
    [
      ...['--repo', server.url, '--branch', 'main', '--cluster', 'dev', '--kubeconfig', kubeconfig],
      ...['--age-key-file', ageKey, '--interval', '5s', '--work-dir', join(work, 'agent')],
      ...['--auth-file', join(work, 'token')],
    ],
    {},
    { token },
  ).catch(async (err) => {
    await server.remove();
    await repo.remove();
    await rm(work, { recursive: true, force: true });
    throw err;
  });
  const url = `${agent.base}/`;
  const json = async <T>(path: string): Promise<T> => {
    const r = await agent.get(path);
    if (r.code !== 200) throw new Error(`GET ${path}: ${r.code} ${r.text.slice(0, 300)}`);
    return JSON.parse(r.text) as T;
  };
  return {
    repo,
    server,
    agent,
    token,
    markers: [m.password, m.pull, m.token, m.pin],
    url,
    first,
    json,
    async until(what, ok, limitMs = 600_000) {
      const deadline = Date.now() + limitMs;
      let last: ClusterStatus | undefined;
      while (Date.now() < deadline) {
        last = await json<ClusterStatus>('/api/v1/status').catch(() => last);
        if (last && ok(last)) return last;
        await sleep(1000);
      }
      throw new Error(
        `the agent's page never showed ${what}; last: ${JSON.stringify(last?.agent)} ${JSON.stringify(last?.commit)}\n${agent.log().slice(-3000)}`,
      );
    },
    async remove() {
      await agent.kill();
      await server.remove();
      await repo.remove();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** The page once the agent is Idle with `commit` deployed and the cluster read (releases and the commit's subject). */
export function deployedAndRead(commit: string): (s: ClusterStatus) => boolean {
  return (x) =>
    x.agent?.deployed?.commit === commit &&
    x.agent.state === 'Idle' &&
    x.agent.deployed.subject !== undefined &&
    x.runlevels.length > 0;
}
