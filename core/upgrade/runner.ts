// A core that takes part in the rehearsal: it migrates a copy of the values to its contract and
// renders a cluster from values. This process's own core does both in memory (migrateFiles through
// planMigration; the render stage); any other version runs from its image, `migrate` and
// `template --out` on the private copy, so the migrations applied are that core's own (an older
// core cannot know a newer one's) and nothing the user has is touched.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { platformChartCrds } from '../check/index.js';
import type { VaryingTemplate } from '../diff/objects.js';
import { writeMigration } from '../migrate/commit.js';
import { planMigration } from '../migrate/index.js';
import { targetCapabilities } from '../render/capabilities.js';
import { renderPlatform, resolvedInput } from '../render/index.js';
import type { RenderIndex } from '../render/output.js';
import { varyingOfChart } from '../render/varying.js';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';
import { withScratchDir } from '../shared/scratch.js';
import { ageKeyDir } from '../values/age-keys.js';
import { resolveValues } from '../values/index.js';
import { releaseKeyOf } from './compare.js';
import { docker, type Mount, runArgs } from './docker.js';
import type { ReleaseRender } from './types.js';

export interface Rendered {
  releases: ReleaseRender[];
  /** Per release key, the templates whose objects are not repeatable (known for this core's charts only). */
  varying: Map<string, Map<string, VaryingTemplate>>;
}

export interface CoreRunner {
  version: string;
  /** The image it runs from; undefined: this process. */
  image?: string;
  /** Migrates the values at `dir` in place (not a git repo); the migrations applied. */
  migrate(dir: string): Promise<{ to: number; title: string }[]>;
  render(dir: string, cluster: string): Promise<Rendered>;
}

export function selfRunner(version: string, ageKeyFile: string | undefined): CoreRunner {
  return {
    version,
    async migrate(dir) {
      const plan = await planMigration({ valuesDir: dir, ageKeyFile });
      if (plan.applied.length > 0) await writeMigration(plan);
      return plan.applied.map((m) => ({ to: m.to, title: m.title }));
    },
    async render(dir, cluster) {
      const resolved = await resolveValues({ valuesDir: dir, cluster, ageKeyFile });
      // As `template` renders: the values' own Kubernetes version and API versions, no cluster asked.
      const capabilities = targetCapabilities({
        settings: resolved.values.cluster,
        platformCrds: platformChartCrds(),
      });
      const result = await renderPlatform({
        ...resolvedInput(resolved),
        capabilities,
      });
      const varying = new Map<string, Map<string, VaryingTemplate>>();
      for (const r of result.releases) varying.set(releaseKeyOf(r), varyingOfChart(r.chart.path));
      return {
        releases: result.releases.map((r) => ({
          runlevel: r.runlevel,
          name: r.name,
          namespace: r.namespace,
          manifest: r.manifest,
        })),
        varying,
      };
    },
  };
}

export function imageRunner(version: string, image: string, ageKeyFile: string | undefined): CoreRunner {
  const keys = keyMounts(ageKeyFile);
  const run = async (what: string, args: string[], mounts: Mount[]) => {
    const argv = runArgs(
      image,
      args,
      [...mounts, ...keys.mounts],
      ['RUNLEVEL_LOG_FORMAT=json', 'NO_COLOR=1', ...keys.env],
    );
    const r = await docker(argv);
    const events = jsonLines(r.stderr);
    if (r.code !== 0) throw failed(version, what, r.code, events, r.stderr);
    // Its warnings are the user's to read (a file whose layout migrate had to re-write, say).
    for (const e of events) if (e.mark === 'warn' && e.message) log.warn(`core ${version}: ${e.message}`);
    return events;
  };
  return {
    version,
    image,
    async migrate(dir) {
      const events = await run(
        'migrate the values',
        ['migrate'],
        [{ host: dir, inside: '/values', writable: true }],
      );
      return events.flatMap((e) => {
        const m = e.mark === 'info' ? /^\s*(\d+): (.+)$/.exec(e.message ?? '') : null;
        return m ? [{ to: Number(m[1]), title: m[2] as string }] : [];
      });
    },
    async render(dir, cluster) {
      return withScratchDir('upgrade-render', async (work) => {
        await run(
          `render ${cluster}`,
          ['template', '--cluster', cluster, '--out', '/render/out'],
          [
            { host: dir, inside: '/values' },
            { host: work, inside: '/render', writable: true },
          ],
        );
        return { releases: await readRender(join(work, 'out')), varying: new Map() };
      });
    },
  };
}

/** The age key as the launcher hands it over: a named key file, else the key directory at /keys. */
function keyMounts(ageKeyFile: string | undefined): { mounts: Mount[]; env: string[] } {
  const file = ageKeyFile ?? process.env.SOPS_AGE_KEY_FILE;
  const env = process.env.SOPS_AGE_KEY ? ['SOPS_AGE_KEY'] : [];
  if (file && existsSync(file)) {
    return {
      mounts: [{ host: file, inside: '/kube/age.key' }],
      env: [...env, 'RUNLEVEL_AGE_KEY_FILE=/kube/age.key'],
    };
  }
  const dir = ageKeyDir();
  return { mounts: existsSync(dir) ? [{ host: dir, inside: '/keys' }] : [], env };
}

/** `template --out`'s directory back as releases: index.json, and every file under <runlevel>/<release>/. */
async function readRender(out: string): Promise<ReleaseRender[]> {
  const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as RenderIndex;
  const releases: ReleaseRender[] = [];
  for (const r of index.releases) {
    const dir = join(out, r.runlevel, r.name);
    const files = existsSync(dir) ? await readdir(dir, { recursive: true, withFileTypes: true }) : [];
    const paths = files
      .filter((f) => f.isFile())
      .map((f) => join(f.parentPath, f.name))
      .sort();
    const texts = await Promise.all(paths.map((p) => readFile(p, 'utf8')));
    releases.push({ runlevel: r.runlevel, name: r.name, namespace: r.namespace, manifest: texts.join('') });
  }
  return releases;
}

interface Event {
  kind?: string;
  mark?: string;
  message?: string;
  data?: {
    hint?: string;
    problems?: { message: string; where?: { file: string; line: number; col: number } }[];
  };
}

function jsonLines(text: string): Event[] {
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Event];
    } catch {
      return [];
    }
  });
}

/** The other core's refusal as ours: its message, its problems at their places, its hint, its exit code. */
function failed(version: string, what: string, code: number, events: Event[], stderr: string): UserError {
  const error = events.find((e) => e.kind === 'error');
  const said = error?.message ?? stderr.trim().split('\n').slice(-3).join('\n');
  return new UserError(`core ${version} could not ${what}: ${said}`, {
    exitCode: (Object.values(ExitCode) as number[]).includes(code) ? (code as ExitCode) : ExitCode.unexpected,
    problems: (error?.data?.problems ?? []).map((p) => ({
      message: p.message,
      ...(p.where ? { where: p.where } : {}),
    })),
    hint: error?.data?.hint ?? 'run that core on the migrated values to see more (runlevel upgrade -v)',
  });
}
