// Render benchmark: `runlevel template` against plain `helmfile template` (default settings and
// --concurrency 1) on the same helmfile.d and state values, against the core before the helm
// engine (one helm process per release), and the floor: the template executions alone, timed
// inside the engine.
//
//   npx tsc -p . && node dist/bench/render/run.js [--teams 10,50,200] [--runs 3] [--baseline DIR] [--write-docs]
// --baseline: a built checkout of the core before the helm engine, run side by side in the same run.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeValues } from '../../core/render/helm.js';
import { planReleases } from '../../core/render/helmfile.js';
import { defaultConcurrency } from '../../core/render/index.js';
import { helmfileDir, listRunlevels } from '../../core/render/runlevels.js';
import { stateValues } from '../../core/render/state-values.js';
import { startHelmEngine } from '../../core/shared/helm-engine.js';
import { coreRoot } from '../../core/shared/paths.js';
import { mapLimit } from '../../core/shared/pool.js';
import { findTool, toolEnv, toolsBinDir } from '../../core/shared/tools.js';
import { resolveValues } from '../../core/values/index.js';
import { baselineCopy, writeBenchRepo } from './generate.js';
import { median, timeCommand } from './measure.js';

interface Row {
  teams: number;
  releases: number;
  runlevel: number;
  today: number;
  helmfile: number;
  helmfileSerial: number;
  floor: number;
  runlevelCpu: number;
  todayCpu: number;
  helmfileCpu: number;
  engineRss: number;
}

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? dflt) : dflt;
};
const teamCounts = opt('teams', '10,50,200').split(',').map(Number);
const runs = Number(opt('runs', '3'));
/** A checkout of the core before the engine (spawn per release), built: `bin/runlevel` is run from it. */
const baseline = opt('baseline', '');
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
    const template = ['template', '--values', repo, '--cluster', 'bench'];
    // The baseline finds the same pinned tools as this checkout.
    const baselineEnv = { ...env, RUNLEVEL_TOOLS_DIR: toolsBinDir() };

    const rl: number[] = [];
    const rlCpu: number[] = [];
    const td: number[] = [];
    const tdCpu: number[] = [];
    const hdCpu: number[] = [];
    const hd: number[] = [];
    const h1: number[] = [];
    const floor: number[] = [];
    let engineRss = 0;
    for (let i = 0; i < runs; i++) {
      const ours = await timeCommand(
        join(coreRoot, 'bin/runlevel'),
        [...template, '--out', join(work, `o-${i}`)],
        {
          env,
        },
      );
      rl.push(ours.seconds);
      rlCpu.push(ours.cpu);
      if (baseline) {
        const old = await timeCommand(
          join(baseline, 'bin/runlevel'),
          [
            'template',
            '--values',
            await baselineCopy(repo, join(work, 'before', 'values')),
            '--cluster',
            'bench',
            '--out',
            join(work, `b-${i}`),
          ],
          {
            env: baselineEnv,
          },
        );
        td.push(old.seconds);
        tdCpu.push(old.cpu);
      }
      const theirs = await timeCommand(helmfile, hf, { env });
      hd.push(theirs.seconds);
      hdCpu.push(theirs.cpu);
      h1.push((await timeCommand(helmfile, [...hf, '--concurrency', '1'], { env })).seconds);
      // The floor: every release's template execution inside one engine (helm's install action,
      // client-only), one after another, timed by the engine itself. Before it, the same renders
      // in parallel as the render runs them, for the engine's peak memory.
      const engine = startHelmEngine();
      const requests = releases.map((rel) => ({
        name: rel.name,
        namespace: rel.namespace,
        chartDir: rel.chartDir,
        values: mergeValues(rel.values),
      }));
      await mapLimit(requests, defaultConcurrency(), (r) => engine.template(r));
      const before = await engine.stats();
      for (const r of requests) await engine.template(r);
      const after = await engine.stats();
      engineRss = Math.max(engineRss, after.maxRssBytes);
      floor.push(after.renderSeconds - before.renderSeconds);
      await engine.stop();
    }
    return {
      teams,
      releases: releases.length,
      runlevel: median(rl),
      today: td.length > 0 ? median(td) : Number.NaN,
      helmfile: median(hd),
      helmfileSerial: median(h1),
      floor: median(floor),
      runlevelCpu: median(rlCpu),
      todayCpu: tdCpu.length > 0 ? median(tdCpu) : Number.NaN,
      helmfileCpu: median(hdCpu),
      engineRss,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function table(rows: Row[]): string {
  const s = (x: number) => `${x.toFixed(2)} s`;
  const x = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  const lines = [
    '| teams | releases | runlevel template (engine) | before: spawn per release | helmfile template | helmfile template --concurrency 1 | floor (template executions in the engine) | faster than helmfile | faster than before | runlevel ÷ floor | CPU: runlevel / before / helmfile | engine peak RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.teams} | ${r.releases} | ${s(r.runlevel)} | ${s(r.today)} | ${s(r.helmfile)} | ${s(r.helmfileSerial)} | ${s(r.floor)} | ${x(r.helmfile, r.runlevel)} | ${x(r.today, r.runlevel)} | ${(r.runlevel / r.floor).toFixed(2)}× | ${r.runlevelCpu.toFixed(1)} / ${r.todayCpu.toFixed(1)} / ${r.helmfileCpu.toFixed(1)} s | ${(r.engineRss / 2 ** 20).toFixed(0)} MiB |`,
    );
  }
  return lines.join('\n');
}

const load0 = loadavg()[0] ?? 0;
/** Issue 22's targets, for the 50-team reference platform. */
function targets(rows: Row[]): string {
  const r = rows.find((x) => x.teams === 50);
  if (!r) return 'Targets (issue 22) are set for 50 teams: run with --teams 50 to check them.';
  const a = r.helmfile / r.runlevel;
  const b = r.today / r.runlevel;
  const c = r.runlevel / r.floor;
  const met = (ok: boolean) => (ok ? 'met' : 'not met');
  return `Targets at 50 teams: ≥ 10× faster than helmfile template: ${met(a >= 10)} (${a.toFixed(1)}×); ≥ 4× faster than before: ${met(b >= 4)} (${b.toFixed(1)}×); within 3× the floor: ${met(c <= 3)} (${c.toFixed(2)}×).`;
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
    'against the core before the helm engine (`--baseline`: one `helm template` process per release),',
    "and the floor: every release's template execution (helm's client-only install action) one after",
    'another inside one engine, timed by the engine.',
    'The reference platform (bench/render/generate.ts): N teams, each deploying 3 apps (web with an',
    'ingress, api with autoscaling, a worker), SSO, TLS and the policies on; releases = N teams + 3N',
    'apps + the platform releases. runlevel plans each runlevel file with one `helmfile build',
    '--embed-values` and renders every release in its helm engine (one process, the helm SDK; values',
    'in the request on its stdin); helmfile also runs `helm dependency build` per release and spawns',
    'helm per release. Engine peak RSS: the engine after rendering every release, 2 × cores at once.',
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
