// The sync agent's ports wired to the real stages: inspect = values resolved (no render) into one
// digest with the pin and the core; deploy = the `deploy` command itself on the checkout (same
// engine, lock and record); drift = the live comparison status makes, against helm's stored
// manifests, with the values' ignore rules.
import { readDeployedState } from '../deploy/stored.js';
import { type DriftIgnoreRule, detectDrift, driftLines } from '../drift/index.js';
import { canonicalJson, sha256 } from '../render/canonical.js';
import { isUserError, type Problem } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { isTransient } from '../shared/kube.js';
import { log } from '../shared/log.js';
import { formatLocation } from '../shared/source.js';
import type { AgentPorts, PortResult } from '../sync/agent.js';
import type { GitRemote } from '../sync/git.js';
import { readRepoFile } from '../values/repo.js';
import { command as deployCommand } from './commands/deploy.js';
import { coreVersion } from './commands/version.js';
import type { ResolvedConfig } from './config.js';
import { pinOf } from './pin.js';
import { type ClusterConnection, resolveFromConfig } from './pipeline.js';

export interface PortsOptions {
  config: ResolvedConfig & { cluster: string };
  conn: ClusterConnection;
  git: GitRemote;
  /** Hand over to another core (self-upgrade); absent: refused with a reason. */
  upgrade?: AgentPorts['upgrade'];
  /** The image our own Deployment runs now (in the cluster): the deploy keeps it (agent-image.ts). */
  liveImage?: () => Promise<string | undefined>;
}

/** Exit codes that mean the commit itself is wrong: not retried until a newer commit. */
const commitFaults = new Set<number>([
  ExitCode.invalid,
  ExitCode.renderFailed,
  ExitCode.policyViolations,
  ExitCode.pinMismatch,
  ExitCode.verifyFailed,
]);

export function syncPorts(opts: PortsOptions): AgentPorts {
  const { config, conn } = opts;
  const ignoreByCommit = new Map<string, readonly DriftIgnoreRule[]>();
  const at = (tree: string): ResolvedConfig => ({ ...config, valuesDir: tree, output: 'text' });

  return {
    git: opts.git,

    async inspect(tree, commit) {
      try {
        const resolved = await resolveFromConfig(at(tree));
        const { file } = await readRepoFile(tree);
        const pin = pinOf(file, config.cluster).version;
        ignoreByCommit.set(commit, resolved.values.platform.drift.ignore);
        const inputs = sha256(
          canonicalJson({
            values: resolved.values,
            imageLock: resolved.imageLock?.digests ?? null,
            pin,
            core: coreVersion(),
          }),
        );
        return { inputs, pin, allowDowngrade: file.clusters[config.cluster]?.allowDowngrade === true };
      } catch (err) {
        if (isUserError(err)) return { invalid: userMessage(err) };
        throw err;
      }
    },

    async deploy(tree, commit, why) {
      log.start(
        `deploying ${commit.slice(0, 12)} to ${config.cluster}${why === 'drift' ? ' (repairing drift)' : ''}`,
      );
      try {
        // The commit's downgrade switch stands for --allow-downgrade: the hand-over to an older
        // core was allowed by it, so that core's first deploy is too.
        const allow = (await readRepoFile(tree)).file.clusters[config.cluster]?.allowDowngrade === true;
        const liveAgentImage = await opts.liveImage?.().catch(() => undefined);
        const code = await deployCommand.run({
          config: { ...at(tree), ...(liveAgentImage ? { liveAgentImage } : {}) },
          args: [],
          flags: allow ? { 'allow-downgrade': true } : {},
          connection: conn,
        });
        if (code === undefined || code === ExitCode.ok) return { ok: true };
        const last = (await conn.store.readRecord({ attempts: 2 })).deploys[0];
        const f = last?.failure;
        const where = f ? [f.runlevel, f.release].filter(Boolean).join('/') : '';
        return {
          ok: false,
          cause: 'deploy',
          reason: f ? `${where ? `${where}: ` : ''}${f.message}` : `exit ${code}`,
        };
      } catch (err) {
        return classify(err);
      }
    },

    async drift(deployedCommit) {
      const state = await readDeployedState(conn.store, { attempts: 2 });
      const subjects = Object.entries(state.record.releases).flatMap(([key, r]) => {
        const stored = state.stored.get(key);
        if (!stored || stored.revision !== r.revision) return [];
        return [{ key, namespace: r.namespace, manifest: stored.manifest }];
      });
      const ignore = (deployedCommit && ignoreByCommit.get(deployedCommit)) || [];
      const found = await detectDrift(subjects, conn.store, ignore);
      let objects = 0;
      for (const [key, d] of found) {
        objects += d.objects.length;
        for (const line of driftLines(d)) log.warn(`drift in ${key}: ${line.trim()}`);
      }
      return { objects };
    },

    upgrade:
      opts.upgrade ??
      (async (_commit, to) => ({
        ok: false as const,
        cause: 'invalid' as const,
        reason: `the commit pins core ${to}; this agent runs ${coreVersion()} outside the cluster and cannot hand over: run core ${to}`,
      })),
  };
}

function classify(err: unknown): PortResult {
  const reason = isUserError(err) ? userMessage(err) : ((err as Error)?.message ?? String(err));
  if (isUserError(err)) {
    if (commitFaults.has(err.exitCode)) return { ok: false, cause: 'invalid', reason };
    if (err.exitCode === ExitCode.lockHeld) return { ok: false, cause: 'lock', reason };
    if (/Kubernetes API is unreachable/.test(err.message)) return { ok: false, cause: 'api', reason };
    return { ok: false, cause: 'deploy', reason };
  }
  return { ok: false, cause: isTransient(err) ? 'api' : 'deploy', reason };
}

/** The message and its first problem, on one line: what a log line, a metric label and /status show. */
function userMessage(err: { message: string; problems: Problem[] }): string {
  const p = err.problems[0];
  const first = p ? `${p.where ? `${formatLocation(p.where)}: ` : ''}${p.message}` : undefined;
  const more = err.problems.length > 1 ? ` (and ${err.problems.length - 1} more)` : '';
  return log.mask(first ? `${err.message}: ${first}${more}` : err.message);
}
