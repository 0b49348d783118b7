// Render benchmark: `runlevel template` against plain `helmfile template` (default settings and
// --concurrency 1) on the same helmfile.d and state values, and the floor: the summed CPU time of
// `helm template` per release divided by the cores.
//
//   npx tsc -p . && node dist/bench/render/run.js [--teams 10,50,200] [--runs 3] [--write-docs]
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { mergeValues } from '../../core/render/helm.js';
import { planReleases } from '../../core/render/helmfile.js';
import { helmfileDir, listRunlevels } from '../../core/render/runlevels.js';
import { stateValues } from '../../core/render/state-values.js';
import { coreRoot } from '../../core/shared/paths.js';
import { findTool, toolEnv } from '../../core/shared/tools.js';
import { resolveValues } from '../../core/values/index.js';
import { helmTemplateArgs } from '../../test/helpers/spawn-helm.js';
import { writeBenchRepo } from './generate.js';
import { childCpuSeconds, median, timeCommand } from './measure.js';

interface Row {
  teams: number;
  releases: number;
  runlevel: number;
  helmfile: number;
  helmfileSerial: number;
  floor: number;
  helmCpu: number;
  runlevelCpu: number;
  helmfileCpu: number;
}

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? dflt) : dflt;
};
const teamCounts = opt('teams', '10,50,200').split(',').map(Number);
const runs = Number(opt('runs', '3'));
const cores = availableParallelism();

async function bench(teams: number): Promise<Row> {
  const work = await mkdtemp(join(tmpdir(), `runlevel-bench-${teams}-`));
  try {
    const repo = join(work, 'values');
    await writeBenchRepo(repo, teams);
    const resolved = await resolveValues({ valuesDir: repo, cluster: 'bench' });
    const stateFile = join(work, 'state.yaml');
    await writeFile(stateFile, JSON.stringify(resolved.values), { mode: 0o600 });
    const dir = helmfileDir();
    const releases = (await planReleases(listRunlevels(dir), stateValues(resolved.values))).filter(
      (r) => r.installed,
    );
    const env = toolEnv();
    const helm = findTool('helm') as string;
    const helmfile = findTool('helmfile') as string;
    const hf = ['--file', dir, '--state-values-file', stateFile, '--helm-binary', helm, 'template'];

    const rl: number[] = [];
    const rlCpu: number[] = [];
    const hdCpu: number[] = [];
    const hd: number[] = [];
    const h1: number[] = [];
    const floor: number[] = [];
    let helmCpu = 0;
    for (let i = 0; i < runs; i++) {
      const out = join(work, `out-${i}`);
      const ours = await timeCommand(
        join(coreRoot, 'bin/runlevel'),
        ['template', '--values', repo, '--cluster', 'bench', '--out', out],
        { env },
      );
      rl.push(ours.seconds);
      rlCpu.push(ours.cpu);
      const theirs = await timeCommand(helmfile, hf, { env });
      hd.push(theirs.seconds);
      hdCpu.push(theirs.cpu);
      h1.push((await timeCommand(helmfile, [...hf, '--concurrency', '1'], { env })).seconds);
      // The floor: every release rendered by helm alone, one after another; its CPU time over the cores.
      const cpu0 = childCpuSeconds();
      for (const rel of releases) {
        await execa(helm, helmTemplateArgs(rel), {
          env,
          input: JSON.stringify(mergeValues(rel.values)),
          stdout: 'ignore',
        });
      }
      helmCpu = childCpuSeconds() - cpu0;
      floor.push(helmCpu / cores);
    }
    return {
      teams,
      releases: releases.length,
      runlevel: median(rl),
      helmfile: median(hd),
      helmfileSerial: median(h1),
      floor: median(floor),
      helmCpu,
      runlevelCpu: median(rlCpu),
      helmfileCpu: median(hdCpu),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function table(rows: Row[]): string {
  const s = (x: number) => `${x.toFixed(2)} s`;
  const lines = [
    '| teams | releases | runlevel template | helmfile template | helmfile template --concurrency 1 | floor (helm CPU / cores) | runlevel ÷ helmfile | runlevel ÷ floor | CPU: runlevel / helmfile / helm alone |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.teams} | ${r.releases} | ${s(r.runlevel)} | ${s(r.helmfile)} | ${s(r.helmfileSerial)} | ${s(r.floor)} | ${(r.runlevel / r.helmfile).toFixed(2)}× | ${(r.runlevel / r.floor).toFixed(2)}× | ${r.runlevelCpu.toFixed(1)} / ${r.helmfileCpu.toFixed(1)} / ${r.helmCpu.toFixed(1)} s |`,
    );
  }
  return lines.join('\n');
}

const load0 = loadavg()[0] ?? 0;
/** Issue 5's targets, for the 50-team reference platform. */
function targets(rows: Row[]): string {
  const r = rows.find((x) => x.teams === 50);
  if (!r) return 'Targets (issue 5) are set for 50 teams: run with --teams 50 to check them.';
  const a = r.runlevel / r.helmfile;
  const b = r.runlevel / r.floor;
  return `Targets at 50 teams: at most 0.5× helmfile's wall time: ${a <= 0.5 ? 'met' : 'not met'} (${a.toFixed(2)}×); within 1.5× the floor: ${b <= 1.5 ? 'met' : 'not met'} (${b.toFixed(2)}×).`;
}

const rows: Row[] = [];
for (const n of teamCounts) {
  process.stderr.write(`► ${n} teams × 3 apps, ${runs} runs each\n`);
  rows.push(await bench(n));
}
const machine = `${cores} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), node ${process.version}`;
const report = [
  `Median of ${runs} runs on ${machine}; load average ${load0.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end.`,
  'Command: `npx tsc -p . && node dist/bench/render/run.js --teams ' +
    teamCounts.join(',') +
    ` --runs ${runs}\``,
  '',
  table(rows),
  '',
  targets(rows),
].join('\n');
process.stdout.write(`${report}\n`);

if (argv.includes('--write-docs')) await writeDocs(report);

/** The render section of docs/benchmarks.md, between its markers; other sections stay as they are. */
async function writeDocs(figures: string): Promise<void> {
  const file = join(coreRoot, 'docs/benchmarks.md');
  const begin = '<!-- render:start (written by bench/render; do not edit by hand) -->';
  const end = '<!-- render:end -->';
  const section = [
    begin,
    '## render',
    '',
    '`runlevel template` against plain `helmfile template` on the same helmfile.d and the same state',
    'values file, with its default settings and with `--concurrency 1` (as Otomi-style platforms run it),',
    'and the floor: the summed CPU time of `helm template` for every release alone, divided by the cores.',
    'The reference platform (bench/render/generate.ts): N teams, each deploying 3 apps (web with an',
    'ingress, api with autoscaling, a worker), SSO, TLS and the policies on; releases = N teams + 3N',
    'apps + the platform releases. runlevel plans each runlevel file with one `helmfile build',
    '--embed-values` and renders every release with `helm template` in parallel (2 × cores), values on',
    'stdin; helmfile also runs `helm dependency build` per release and renders with fewer processes.',
    'The last column is CPU time (user+sys of the process tree): on this shared machine the load',
    "average stays above the core count, so wall times carry other sessions' work and CPU is the",
    'steadier comparison.',
    '',
    figures,
    end,
  ].join('\n');
  let text = await readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  const at = text.indexOf('<!-- render:start');
  text =
    at >= 0
      ? `${text.slice(0, at)}${section}${text.slice(text.indexOf(end, at) + end.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(file, text);
  process.stderr.write(`✔ wrote the render section of ${file}\n`);
}
