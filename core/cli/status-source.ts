// The facts of one cluster's status page, read the way `runlevel status` reads them (the values
// planned against the cluster, helm, the record, readiness) plus the images and the values repo's
// newest commit, assembled by the serve stage into the one shape the page and JSON share.
import { simpleGit } from 'simple-git';
import { releaseKey } from '../deploy/record.js';
import { isGated } from '../deploy/wait.js';
import { listPlatformImages } from '../images/index.js';
import type { PlatformImage } from '../images/types.js';
import { type AgentFacts, assembleStatus, type ClusterStatus } from '../serve/index.js';
import { readRepoFile } from '../values/repo.js';
import { coreVersion } from './commands/version.js';
import type { ResolvedConfig } from './config.js';
import { pinOf } from './pin.js';
import {
  type AgainstCluster,
  type ClusterConnection,
  connectCluster,
  planAgainstCluster,
} from './pipeline.js';
import { planRendered } from './replan.js';

export interface StatusReadOptions {
  deploys?: number;
  /** An open connection (the agent's), else one is made. */
  conn?: ClusterConnection;
  /** The images listing (a whole render): the agent keeps it per commit instead of per read. */
  images?: () => Promise<PlatformImage[]>;
  /** The newest commit, when the reader knows better than the tree's HEAD (the agent's branch). */
  newest?: ClusterStatus['commit']['newest'];
  /** What only a sync agent knows; default: no agent. */
  agent?: AgentFacts;
  /**
   * A render already made of these values for this cluster (a deploy's, just applied): planned
   * against the cluster as it is now instead of rendering again (replan.ts).
   */
  rendered?: AgainstCluster;
}

export async function readClusterStatus(
  config: ResolvedConfig,
  opts: StatusReadOptions = {},
): Promise<ClusterStatus> {
  const cluster = config.cluster ?? '';
  const conn = opts.conn ?? (await connectCluster(config));
  const step = opts.rendered ?? (await planAgainstCluster(config, conn, { state: 'compare' }));
  const images = (
    opts.images ??
    (() =>
      listPlatformImages({
        valuesDir: config.valuesDir,
        cluster: step.resolved.cluster,
        ageKeyFile: config.ageKeyFile,
      }))
  )();
  images.catch(() => {}); // awaited below
  const { plan, record, helm } = await (opts.rendered ? planRendered(conn, opts.rendered) : step.plan());
  const deployed = new Set(helm.map(releaseKey));
  const notReady = new Map<string, string[]>();
  await Promise.all(
    plan.runlevels.flatMap((rl) =>
      rl.waves.flat().map(async (p) => {
        const key = releaseKey(p.release);
        if (!deployed.has(key)) return;
        const waiting: string[] = [];
        for (const o of p.release.objects.filter(isGated)) {
          const r = await conn.store.readiness(o);
          if (!r.ready) waiting.push(`${o.kind}/${o.name}: ${r.state}`);
        }
        notReady.set(key, waiting);
      }),
    ),
  );
  const repo = await readRepoFile(config.valuesDir);
  return assembleStatus({
    cluster: step.resolved.cluster || cluster,
    now: new Date().toISOString(),
    serving: coreVersion(),
    pinned: pinOf(repo.file, step.resolved.cluster).version,
    newest: opts.newest ?? (await newestCommit(config.valuesDir)),
    plan,
    record,
    helm,
    notReady,
    images: await images,
    deploys: opts.deploys ?? 20,
    agent: opts.agent ?? { running: false },
  });
}

/** The values repo's HEAD: commit, subject, author, date; undefined outside git. */
export async function newestCommit(valuesDir: string): Promise<ClusterStatus['commit']['newest']> {
  try {
    const git = simpleGit(valuesDir);
    if (!(await git.checkIsRepo())) return undefined;
    const head = await git.log({ maxCount: 1 });
    const c = head.latest;
    if (!c) return undefined;
    return { commit: c.hash.slice(0, 12), subject: c.message, author: c.author_name, date: c.date };
  } catch {
    return undefined;
  }
}
