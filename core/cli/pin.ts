// The pin: runlevel.yaml names the one core release a values repo is written for (`core`, or
// `clusters.<name>.core` for a canary). The image tag pins behaviour, so a core of another version
// refuses to touch the cluster and says which image to run instead; a moving tag is no pin at all;
// and a deploy never takes a cluster back to an older core than the last one that deployed it.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import type { ClusterStore } from '../deploy/cluster.js';
import { coreImageRepository } from '../images/core-image.js';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { compareVersions, releaseVersion } from '../shared/versions.js';
import { enforceContract } from '../values/contract.js';
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

/** The image repository the launcher and our hints use (`registry.example.com/runlevel` behind a mirror). */
export function imageRepository(env: NodeJS.ProcessEnv = process.env): string {
  return coreImageRepository(env);
}

/** Flags naming host paths: the documented line mounts them instead (never copied into the arguments). */
const hostPathFlags = new Set(['--values', '--kubeconfig', '--age-key-file', '--state-dir']);

/**
 * The one command line that runs this invocation with the core of `version`: the documented
 * `docker run` line (README, "Run it the way users do"), with the pinned tag and the command's own
 * arguments. Flags that name host paths are dropped (the mounts stand for them) and `--out DIR`
 * becomes a writable mount at /out, so the line works when pasted.
 */
export function pinnedCommandLine(version: string, argv: readonly string[]): string {
  const args: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    if (flag === undefined) continue;
    if (hostPathFlags.has(flag) || flag === '--out') {
      const value = inline ?? argv[++i];
      if (flag === '--out' && value !== undefined) out = value;
      continue;
    }
    args.push(arg);
  }
  if (out !== undefined) args.push('--out', `/out/${basename(out.replace(/\/+$/, '')) || 'out'}`);
  // docker -v takes an absolute host path (a bare name is a named volume): relative goes under "$PWD".
  const outDir = out === undefined ? '' : dirname(out.replace(/\/+$/, ''));
  const outHost = isAbsolute(outDir)
    ? shellQuote(outDir)
    : outDir === '.'
      ? '"$PWD"'
      : `"$PWD"/${shellQuote(outDir)}`;
  const outMount = out === undefined ? '' : ` -v ${outHost}:/out`;
  return [
    'docker run --rm --read-only --network host --user "$(id -u):$(id -g)" \\',
    `  -v "$PWD":/values:ro -v "$KUBECONFIG":/kube/config:ro -v ~/.config/runlevel/age:/keys:ro${outMount} \\`,
    `  ${imageRepository()}:${version} ${args.map(shellQuote).join(' ')}`.trimEnd(),
  ].join('\n');
}

export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** The clusters of the repo whose pin is another release than this core's: validated by their own core. */
export function clustersPinnedElsewhere(
  file: OpenedRepo['file'],
  core: string,
): { cluster: string; pin: Pin }[] {
  return Object.keys(file.clusters)
    .map((cluster) => ({ cluster, pin: pinOf(file, cluster) }))
    .filter(({ pin }) => pin.version !== core && releaseVersion.test(pin.version));
}

/**
 * Refuses (exit 7) when a cluster this command touches is pinned to another core, to something
 * that is not a release, or when runlevel.yaml pins no core at all. Without --cluster (validate),
 * every cluster of the repo is checked; clusters pinned to another release are then left to their
 * own core (validate reports them) as long as one cluster is pinned to this one, so a canary pin
 * is committable. bin/runlevel-docker prints these refusals word for word (a test compares them).
 * Any other problem of runlevel.yaml is left to the command, which reports it in full.
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
    const missing = await missingPin(config.valuesDir);
    if (missing) throw missing;
    return;
  }
  const names = Object.keys(repo.file.clusters);
  const clusters = config.cluster ? names.filter((n) => n === config.cluster) : names;
  const mixed =
    command === 'validate' && !config.cluster && clusters.some((c) => pinOf(repo.file, c).version === core);
  const refusals = new Map<string, { pin: Pin; clusters: string[] }>();
  for (const cluster of clusters) {
    const pin = pinOf(repo.file, cluster);
    if (pin.version === core || (mixed && releaseVersion.test(pin.version))) continue;
    const seen = refusals.get(pin.pointer) ?? { pin, clusters: [] };
    seen.clusters.push(cluster);
    refusals.set(pin.pointer, seen);
  }
  // Pinned to this core: the values contract is checked before any cluster is reached (deploy
  // connects first), so a repo behind it is refused with `runlevel migrate` to run (exit 2).
  if (refusals.size === 0) return enforceContract(repo);

  const problems = [...refusals.values()].map(({ pin, clusters }) => {
    const o = repo.origins.get(pin.pointer);
    const who =
      pin.pointer === '/core' ? `the repo's clusters (${clusters.join(', ')})` : `cluster ${clusters[0]}`;
    return problemAt(repo.texts, o, `pins ${who} to core ${JSON.stringify(pin.version)}`);
  });
  const pins = [...refusals.values()].map((r) => r.pin.version);
  const moving = pins.find((v) => !releaseVersion.test(v));
  const subject = config.cluster ? `cluster ${config.cluster}` : 'this values repo';
  if (moving !== undefined) {
    throw new UserError(
      `${subject} is pinned to core ${JSON.stringify(moving)}, which is not a release: a pin names one version (x.y.z), never a moving tag or a branch`,
      {
        exitCode: ExitCode.pinMismatch,
        problems,
        hint: 'pin the one release this repo is written for, as core: "x.y.z" (`runlevel version` prints a core\'s own); an image tag that moves would change what deploys without a commit to values',
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
        ? `run the pinned core (from the values repo):\n${pinnedCommandLine(wanted, argv)}\n(or runlevel-docker ${argv.map(shellQuote).join(' ')}, which picks the tag for you); or change the pin to ${core} in a commit to move the cluster to this core`
        : 'the clusters are pinned to different cores: validate each with --cluster (runlevel-docker picks its tag)',
    },
  );
}

/** runlevel.yaml without a `core` key: no pin at all (exit 7), said at its first line. */
async function missingPin(valuesDir: string): Promise<UserError | undefined> {
  const text = await readFile(join(valuesDir, repoFileName), 'utf8').catch(() => undefined);
  let doc: unknown;
  try {
    doc = text === undefined ? undefined : parse(text);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || 'core' in doc) return undefined;
  return new UserError(
    `${repoFileName} pins no core: a values repo names the one core release it is written for`,
    {
      exitCode: ExitCode.pinMismatch,
      problems: [
        problemAt(
          new Map([[repoFileName, text ?? '']]),
          { file: repoFileName, line: 1, col: 1 },
          'no core key',
        ),
      ],
      hint: `add core: "x.y.z" at the top of ${repoFileName}: the release this repo is written for (\`runlevel version\` prints a core's own)`,
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
      hint: `deploy with core ${last.coreVersion} or newer:\n${pinnedCommandLine(last.coreVersion, argv)}\nor pass --allow-downgrade if going back to ${core} is intended`,
    },
  );
}
