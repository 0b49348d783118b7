// The sync agent's status page: the cluster read the way `runlevel serve` reads it, at the commit
// the agent shows, after each pass that changed something (or when the last read is old), and
// joined to the agent's own facts on every event. A request only reads what is here: core/serve
// makes the HTML and JSON once per status object.
import { listPlatformImages } from '../images/index.js';
import type { PlatformImage } from '../images/types.js';
import type { ClusterStatus, Status } from '../serve/index.js';
import { log } from '../shared/log.js';
import type { AgentListener, AgentStatus } from '../sync/agent.js';
import type { GitRemote } from '../sync/git.js';
import { agentFacts, readKey, shownCommit, withAgent } from '../sync/page.js';
import { emptyClusterStatus } from './commands/serve.js';
import type { ResolvedConfig } from './config.js';
import type { ClusterConnection } from './pipeline.js';
import { readClusterStatus } from './status-source.js';

/**
 * A pass that changed nothing (the usual idle pass: a fetch, the head unchanged or not touching
 * this cluster, no drift) reuses the last read; readiness changes still show within this long.
 */
const maxAgeMs = 5 * 60_000;

export interface AgentPage {
  /** What the page and /api/v1 serve now (undefined never: an empty cluster until the first read). */
  current(): Status | undefined;
  /** Joins the agent's facts anew on each event (no I/O). */
  listener: AgentListener;
  /** The agent's afterPass port. */
  afterPass(status: AgentStatus): Promise<void>;
}

export interface AgentPageOptions {
  config: ResolvedConfig & { cluster: string };
  conn: ClusterConnection;
  git: GitRemote;
  status(): AgentStatus;
  now?: () => number;
}

export function agentPage(opts: AgentPageOptions): AgentPage {
  const now = opts.now ?? Date.now;
  const described = new Map<string, { subject: string; author: string; date: string }>();
  let cluster: ClusterStatus | undefined;
  let readError: string | undefined;
  let shown: Status | undefined;
  let lastKey = '';
  let readAt = 0;
  let deploys = 0;
  let images: { key: string; list: Promise<PlatformImage[]> } | undefined;

  const compose = () => {
    const empty = { ...emptyClusterStatus(opts.config.cluster), ...(readError ? { error: readError } : {}) };
    const base = cluster && readError ? { ...cluster, error: readError } : cluster;
    shown = withAgent(base, agentFacts(opts.status(), { source: opts.git.where, described }), empty);
  };

  const describe = async (s: AgentStatus) => {
    const wanted = [s.head, s.deployed?.commit].filter((c): c is string => c !== undefined);
    for (const c of [...described.keys()]) if (!wanted.includes(c)) described.delete(c);
    for (const c of wanted) {
      if (described.has(c) || !opts.git.describe) continue;
      const d = await opts.git.describe(c).catch(() => undefined);
      if (d) described.set(c, d);
    }
  };

  const read = async (s: AgentStatus, values: string) => {
    const commit = shownCommit(s);
    if (!commit) return;
    const tree = await opts.git.checkout(commit);
    const config = { ...opts.config, valuesDir: tree, output: 'text' as const };
    if (images?.key !== values) {
      const list = listPlatformImages({
        valuesDir: tree,
        cluster: opts.config.cluster,
        ageKeyFile: opts.config.ageKeyFile,
      });
      list.catch(() => {}); // awaited by the read; a read failing before must not leave it unhandled
      images = { key: values, list };
    }
    const list = images.list;
    cluster = await readClusterStatus(config, { conn: opts.conn, images: () => list, deploys: 20 });
  };

  return {
    current: () => shown,
    listener: {
      event: (e) => {
        compose();
        // A new head is described at once, not when its pass ends (a deploy takes minutes): `git
        // show -s` only reads objects, beside whatever the pass does to the working tree.
        if (e.kind === 'fetched' && !described.has(e.commit) && opts.git.describe) {
          void opts.git
            .describe(e.commit)
            .then((d) => {
              if (d) described.set(e.commit, d);
              compose();
            })
            .catch(() => {});
        }
      },
      // Only a deploy that changed the cluster: failed attempts (an API down) must not each read it.
      deploy: ({ ok }) => {
        if (ok) deploys++;
      },
    },
    async afterPass(s) {
      await describe(s);
      // Handed over: the new core serves the page from now on; this one only stops.
      const { key, values } = readKey(s, deploys);
      if (s.state !== 'Upgrading' && (key !== lastKey || now() - readAt > maxAgeMs)) {
        try {
          // Its progress lines are routine (a pass that deployed said so already): --verbose shows them.
          await log.quietly(() => read(s, values));
          readError = undefined;
          lastKey = key;
          readAt = now();
        } catch (err) {
          images = undefined; // a failed listing is not kept for the commit
          readError = `the cluster's status was not read: ${String((err as Error).message).split('\n')[0]}`;
          // Tried again when something changes or the read is old, not on every pass of a backoff.
          lastKey = key;
          readAt = now();
        }
      }
      compose();
    },
  };
}
