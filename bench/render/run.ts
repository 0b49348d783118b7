// Render benchmark: `runlevel template` against plain `helmfile template` (default settings and
// --concurrency 1) on the same helmfile.d and state values, and the floor: the summed CPU time of
// `helm template` per release divided by the cores.
//
//   npx tsc -p . && node dist/bench/render/run.js [--teams 10,50,200] [--runs 3] [--write-docs]
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { helmTemplateArgs, mergeValues } from '../../core/render/helm.js';
import { planReleases } from '../../core/render/helmfile.js';
import { helmfileDir, listRunlevels } from '../../core/render/runlevels.js';
import { coreRoot } from '../../core/shared/paths.js';
import { findTool, toolEnv } from '../../core/shared/tools.js';
import { resolveValues } from '../../core/values/index.js';
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
    const releases = (await planReleases(dir, listRunlevels(dir), stateFile)).filter((r) => r.installed);
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
].join('\n');
process.stdout.write(`${report}\n`);

if (argv.includes('--write-docs')) {
  const file = join(coreRoot, 'docs/benchmarks.md');
  const begin = '<!-- render:begin -->';
  const end = '<!-- render:end -->';
  let text = await readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  const section = `${begin}\n${report}\n${end}`;
  text = text.includes(begin)
    ? text.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), section)
    : `${text.trimEnd()}\n\n## render\n\n${section}\n`;
  await writeFile(file, text);
  process.stderr.write(`✔ wrote the render section of ${file}\n`);
}
