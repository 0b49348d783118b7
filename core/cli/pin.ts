// The pin: runlevel.yaml names the one core release a values repo is written for (`core`, or
// `clusters.<name>.core` for a canary). The image tag pins behaviour, so a core of another version
// refuses to touch the cluster and says which image to run instead; a moving tag is no pin at all;
// and a deploy never takes a cluster back to an older core than the last one that deployed it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterStore } from '../deploy/cluster.js';
import { coreImageRepository } from '../images/core-image.js';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { problemAt } from '../values/problems.js';
import { type OpenedRepo, readRepoFile, repoFileName } from '../values/repo.js';
import { coreVersion } from './commands/version.js';
import type { ResolvedConfig } from './config.js';

/** The commands that read a values repo for a cluster: each of them honours the pin. */
export const pinnedCommands = new Set([
  'validate',
  'values',
  'template',
  'check',
  'images',
  'bundle create',
  'diff',
  'deploy',
  'status',
  'destroy',
  'task',
]);

const release = /^\d+\.\d+\.\d+$/;

export interface Pin {
  version: string;
  /** Where it is written: the cluster's own `core`, or the repo's. */
  pointer: '/core' | `/clusters/${string}/core`;
}

export function pinOf(file: OpenedRepo['file'], cluster: string): Pin {
  const own = file.clusters[cluster]?.core;
  return own === undefined
    ? { version: file.core, pointer: '/core' }
    : { version: own, pointer: `/clusters/${cluster}/core` };
}

/** -1, 0 or 1 for two x.y.z versions; undefined when either is not one. */
export function compareVersions(a: string, b: string): number | undefined {
  if (!release.test(a) || !release.test(b)) return undefined;
  const [pa, pb] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) < (pb[i] ?? 0) ? -1 : 1;
  return 0;
}

/** The image repository the launcher and our hints use (`registry.example.com/runlevel` behind a mirror). */
export function imageRepository(env: NodeJS.ProcessEnv = process.env): string {
  return coreImageRepository(env);
}

/** The one command line that runs this invocation with the core of `version`. */
export function pinnedCommandLine(version: string, argv: readonly string[]): string {
  const mounts = '-v "$PWD":/values:ro -v "$KUBECONFIG":/kube/config:ro';
  return `docker run --rm --read-only --network host ${mounts} ${imageRepository()}:${version} ${argv.map(shellQuote).join(' ')}`;
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * Refuses (exit 7) when a cluster this command touches is pinned to another core, or to something
 * that is not a release. Without --cluster (validate), every cluster of the repo is checked.
 * A missing or broken runlevel.yaml is left to the command, which reports it in full.
 */
export async function enforcePin(
  config: ResolvedConfig,
  command: string,
  argv: readonly string[],
  core = coreVersion(),
): Promise<void> {
  if (!pinnedCommands.has(command) || !existsSync(join(config.valuesDir, repoFileName))) return;
  let repo: OpenedRepo;
  try {
    repo = await readRepoFile(config.valuesDir);
  } catch {
    return;
  }
  const names = Object.keys(repo.file.clusters);
  const clusters = config.cluster ? names.filter((n) => n === config.cluster) : names;
  const refusals = new Map<string, { pin: Pin; clusters: string[] }>();
  for (const cluster of clusters) {
    const pin = pinOf(repo.file, cluster);
    if (pin.version === core) continue;
    const seen = refusals.get(pin.pointer) ?? { pin, clusters: [] };
    seen.clusters.push(cluster);
    refusals.set(pin.pointer, seen);
  }
  if (refusals.size === 0) return;

  const problems = [...refusals.values()].map(({ pin, clusters }) => {
    const o = repo.origins.get(pin.pointer);
    const who =
      pin.pointer === '/core' ? `the repo's clusters (${clusters.join(', ')})` : `cluster ${clusters[0]}`;
    return problemAt(repo.texts, o, `pins ${who} to core ${JSON.stringify(pin.version)}`);
  });
  const pins = [...refusals.values()].map((r) => r.pin.version);
  const moving = pins.find((v) => !release.test(v));
  const subject = config.cluster ? `cluster ${config.cluster}` : 'this values repo';
  if (moving !== undefined) {
    throw new UserError(
      `${subject} is pinned to core ${JSON.stringify(moving)}, which is not a release: a pin names one version (x.y.z), never a moving tag or a branch`,
      {
        exitCode: ExitCode.pinMismatch,
        problems,
        hint: `pin the release this repo is written for, e.g. core: "${core}" (this core); an image tag that moves would change what deploys without a commit to values`,
      },
    );
  }
  const [wanted] = pins;
  const one = new Set(pins).size === 1 && wanted !== undefined;
  throw new UserError(
    `${subject} is pinned to core ${[...new Set(pins)].join(', ')}, but this is core ${core}: nothing was read or changed`,
    {
      exitCode: ExitCode.pinMismatch,
      problems,
      hint: one
        ? `run the pinned core: ${pinnedCommandLine(wanted, argv)}\n  (bin/runlevel-docker ${argv.map(shellQuote).join(' ')} picks the tag for you); or change the pin to ${core} in a commit to move the cluster to this core`
        : 'the clusters are pinned to different cores: validate each with --cluster (bin/runlevel-docker picks its tag)',
    },
  );
}

/**
 * A deploy by an older core than the one that last deployed the cluster is refused unless
 * allowed: an older core may not know what the newer one set up (a downgrade is a decision).
 * An unreadable record is left to the deploy, which reports the cluster itself.
 */
export async function refuseDowngrade(
  store: Pick<ClusterStore, 'readRecord'>,
  core: string,
  allowDowngrade: boolean,
  argv: readonly string[],
): Promise<void> {
  let last: { coreVersion: string; started: string; valuesCommit: string } | undefined;
  try {
    last = (await store.readRecord({ attempts: 1 })).deploys.find((d) => d.command === 'deploy');
  } catch {
    return;
  }
  if (!last || compareVersions(core, last.coreVersion) !== -1) return;
  if (allowDowngrade) return;
  throw new UserError(
    `cluster was last deployed by core ${last.coreVersion} (${last.started}, values ${last.valuesCommit}); this is core ${core}, an older one: nothing was changed`,
    {
      exitCode: ExitCode.pinMismatch,
      hint: `deploy with core ${last.coreVersion} or newer (${pinnedCommandLine(last.coreVersion, argv)}), or pass --allow-downgrade if going back to ${core} is intended`,
    },
  );
}
