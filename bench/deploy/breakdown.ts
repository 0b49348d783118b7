// Where a no-op and a one-change `runlevel deploy` spend their time (issue 22 item 3): the bench's
// N-team values repo (bench/render/generate.ts, plus team001's one extra app as bench/deploy/run.ts
// adds it) on one fresh embedded cluster; a first deploy, then `--runs` rounds of a no-op deploy and
// a one-change deploy (team001's solo app gets a new image tag), each with --verbose, printing the
// ⏱ marks (seconds since the process started) of the median run of each kind.
// Usage: node dist/bench/deploy/breakdown.js [--teams 50] [--runs 3] [--state-dir DIR] [--core DIR]
// --core: a built checkout whose bin/runlevel (and .tools/bin) deploys instead of this one.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { clusterDown, clusterUp } from '../../core/cluster/index.js';
import { coreRoot } from '../../core/shared/paths.js';
import { toolEnv } from '../../core/shared/tools.js';
import { defaultAgeKeyFile } from '../../core/values/secrets.js';
import { writeBenchRepo } from '../render/generate.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const teams = Number(flag('--teams', '50'));
const runs = Number(flag('--runs', '3'));
const stateDir = flag('--state-dir', join(coreRoot, '.runlevel/bench-breakdown'));
const core = flag('--core', coreRoot);

interface Timed {
  seconds: number;
  marks: string[];
}

async function deploy(repo: string, kubeconfig: string): Promise<Timed> {
  const started = process.hrtime.bigint();
  const args = ['deploy', '--cluster', 'bench', '--values', repo, '--kubeconfig', kubeconfig, '--verbose'];
  const r = await execa(join(core, 'bin/runlevel'), args, {
    env: { ...toolEnv(), RUNLEVEL_LOG_FORMAT: 'plain', RUNLEVEL_TOOLS_DIR: join(core, '.tools/bin') },
    reject: false,
    all: true,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.exitCode !== 0) throw new Error(`deploy failed (exit ${r.exitCode}):\n${String(r.all).slice(-3000)}`);
  const marks = String(r.all)
    .split('\n')
    .filter((l) => l.includes('⏱'))
    .map((l) => l.trim());
  return { seconds, marks };
}

function median(xs: Timed[]): Timed {
  const sorted = [...xs].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)] as Timed;
}

const work = await mkdtemp(join(tmpdir(), 'runlevel-bench-breakdown-'));
// A name of its own: the repo's age key sits at ~/.config/runlevel/age/<name>.key, shared by every run.
const repo = join(work, `values-breakdown-${process.pid}`);
await writeBenchRepo(repo, teams);
const solo = (tag: string) =>
  writeFile(
    join(repo, 'common/apps/solo.yaml'),
    `image: { repository: docker.io/library/nginx, tag: "${tag}" }\nreplicas: 1\n`,
  );
await solo('1.27.0');
const teamFile = join(repo, 'common/teams/team001.yaml');
await writeFile(
  teamFile,
  (await readFile(teamFile, 'utf8')).replace('apps: [web, api, worker]', 'apps: [web, api, worker, solo]'),
);
const load = [loadavg()[0]];
try {
  await clusterDown({ stateDir, purge: true });
  const { kubeconfig } = await clusterUp({ stateDir });
  const first = await deploy(repo, kubeconfig);
  console.error(`first deploy ${first.seconds.toFixed(2)}s`);
  const noop: Timed[] = [];
  const change: Timed[] = [];
  for (let i = 0; i < runs; i++) {
    noop.push(await deploy(repo, kubeconfig));
    await solo(`1.27.${i + 1}`);
    change.push(await deploy(repo, kubeconfig));
    console.error(
      `round ${i + 1}: no-op ${noop.at(-1)?.seconds.toFixed(2)}s, one change ${change.at(-1)?.seconds.toFixed(2)}s`,
    );
  }
  load.push(loadavg()[0]);
  const show = (label: string, xs: Timed[]) => {
    const m = median(xs);
    return [
      `${label}: median of ${xs.length} ${m.seconds.toFixed(2)} s (all: ${xs.map((x) => x.seconds.toFixed(2)).join(', ')})`,
      ...m.marks,
    ].join('\n');
  };
  console.log(`${core}: ${teams} teams, load average ${load.map((l) => l?.toFixed(2)).join(' → ')}`);
  console.log(show('no-op deploy', noop));
  console.log(show('one-change deploy', change));
} finally {
  await clusterDown({ stateDir, purge: true });
  await rm(work, { recursive: true, force: true });
  await rm(defaultAgeKeyFile(repo), { force: true });
}
