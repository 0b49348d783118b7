// Benchmark: `runlevel validate` vs helmfile merging the same layers (`helmfile write-values` over
// environment values files), same files, same run. Wall time and peak RSS via /usr/bin/time.
// Run: npx tsc -p . && node dist/bench/values/values.bench.js [--teams 1000] [--runs 5] [--write-docs]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { coreRoot } from '../../core/shared/paths.js';
import { findTool, toolEnv } from '../../core/shared/tools.js';
import { generate } from './generate.js';

interface Sample {
  seconds: number;
  cpuSeconds: number; // user + system: robust when other work shares the machine
  rssMiB: number;
}

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const teams = arg('teams', 1000);
const runs = arg('runs', 3);

async function measure(cmd: string, args: string[], cwd: string): Promise<Sample> {
  const started = performance.now();
  const r = await execa('/usr/bin/time', ['-f', 'RSS_KB=%M CPU=%U+%S', cmd, ...args], {
    cwd,
    env: { ...toolEnv(), NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain' },
    reject: false,
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.exitCode}):\n${r.stderr}`);
  const m = /RSS_KB=(\d+) CPU=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  if (!m) throw new Error(`no figures from /usr/bin/time:\n${r.stderr}`);
  return { seconds, cpuSeconds: Number(m[2]) + Number(m[3]), rssMiB: Number(m[1]) / 1024 };
}

const fmt = (s: number) => `${s.toFixed(2)} s`;
const summary = (xs: Sample[]) => ({
  seconds: median(xs.map((s) => s.seconds)),
  cpuSeconds: median(xs.map((s) => s.cpuSeconds)),
  rssMiB: Math.max(...xs.map((s) => s.rssMiB)),
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const helmfile = findTool('helmfile');
  if (!helmfile) throw new Error('helmfile is not installed (make tools)');
  const root = mkdtempSync(join(tmpdir(), 'runlevel-bench-values-'));
  try {
    const g = generate(root, teams);
    const runlevel = [
      join(coreRoot, 'bin/runlevel'),
      'validate',
      '--values',
      g.runlevelDir,
      '--cluster',
      'bench',
    ];
    const hf = [
      '-e',
      'perf',
      'write-values',
      '--output-file-template',
      join(root, 'out/{{ .Release.Name }}.yaml'),
    ];
    const rl: Sample[] = [];
    const hw: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      rl.push(await measure(process.execPath, runlevel, root));
      hw.push(await measure(helmfile, hf, g.helmfileDir));
    }
    const merged = readFileSync(join(root, 'out/merged.yaml'), 'utf8');
    if (!merged.includes(`team-${String(teams - 1).padStart(4, '0')}`))
      throw new Error('helmfile did not merge every team');
    const result = {
      teams,
      files: g.files,
      runs,
      cpus: cpus().length,
      load: loadavg()[0] ?? 0,
      runlevel: summary(rl),
      helmfile: summary(hw),
    };
    const ratio = result.helmfile.seconds / result.runlevel.seconds;
    const cpuRatio = result.helmfile.cpuSeconds / result.runlevel.cpuSeconds;
    const table = [
      `${teams} teams, ${g.files} files per layout (common/, environments/perf/, clusters/bench/), median of ${runs} runs, ${result.cpus} CPUs, load average ${result.load.toFixed(1)} at the start, ${new Date().toISOString().slice(0, 10)}:`,
      '',
      '| | wall (median) | CPU user+sys (median) | peak RSS |',
      '|---|---:|---:|---:|',
      `| \`runlevel validate\` (merge + defaults + schema + rules, incl. node start) | ${fmt(result.runlevel.seconds)} | ${fmt(result.runlevel.cpuSeconds)} | ${result.runlevel.rssMiB.toFixed(0)} MiB |`,
      `| \`helmfile write-values\` (environment values files merged by helmfile) | ${fmt(result.helmfile.seconds)} | ${fmt(result.helmfile.cpuSeconds)} | ${result.helmfile.rssMiB.toFixed(0)} MiB |`,
      `| helmfile ÷ runlevel | ${ratio.toFixed(2)}× | ${cpuRatio.toFixed(2)}× | |`,
      '',
      `Targets of issue 4: wall < 1.5 s: ${result.runlevel.seconds < 1.5 ? 'met' : `not met (${fmt(result.runlevel.seconds)}; CPU ${fmt(result.runlevel.cpuSeconds)})`}; ` +
        `≥ 20× faster than helmfile: ${ratio >= 20 ? 'met' : `not met (${ratio.toFixed(2)}×)`}; ` +
        `peak RSS < 300 MB: ${result.runlevel.rssMiB < 300 ? 'met' : 'not met'}.`,
    ].join('\n');
    process.stdout.write(`${table}\n\n${JSON.stringify({ ...result, ratio, cpuRatio }, null, 2)}\n`);
    if (process.argv.includes('--write-docs')) writeDocs(table);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** What changed and where the time goes; figures measured by hand, not by this run. */
const history = [
  'Before the fast path (same command, 2026-11-24, load average 14): 3.15 s wall, 1.16 s CPU, 121 MiB.',
  'Since then (CPU seconds, one process, measured with `process.cpuUsage`):',
  '- Plain YAML files are read by a small reader (core/shared/yaml/fast.ts) that knows line and',
  '  column for free; it gives up on anything outside its subset (anchors, block scalars, escapes,',
  '  duplicate keys, ...) and the file goes to the `yaml` library as before, which also writes every',
  '  error message. Parsing 3,103 files: about 0.55 s (`yaml.parseDocument` alone) → 0.1 s (values',
  '  and origins); checked against the full parser on every YAML file in this repo and 3,000',
  '  generated documents (test/unit/shared/yaml/fast.test.ts).',
  '- `yaml` and execa are imported only when a file needs the full parser or sops.',
  '- ajv no longer checks the schema against the 2020-12 meta-schema on every run (a unit test',
  '  does): compile about 0.09 s → 0.035 s.',
  'Where the remaining CPU goes: node start-up about 0.04 s; the CLI modules about 0.1 s (most of',
  'it execa, imported by core/cli/main.ts for `shutdown`); ajv import + compile about 0.08 s;',
  'reading 3,103 files about 0.05 s; parsing about 0.1 s; merging with provenance about 0.09 s;',
  'schema, defaults and rules about 0.04 s. The 20× target would mean about 0.06 s in total, which a',
  'Node process cannot reach (start-up alone is 0.04 s); wall time on this shared machine is two to',
  'three times the CPU time while the load average is above the core count.',
];

/** Replace (or add) the "values" section of docs/benchmarks.md, leaving other sections alone. */
function writeDocs(table: string): void {
  const file = join(coreRoot, 'docs/benchmarks.md');
  const section = [
    '<!-- values:start (written by bench/values; do not edit by hand) -->',
    '## values',
    '',
    'Merging and validating a large values repo: `runlevel validate` against the way helmfile-based',
    'platforms merge the same layers (environment values files, rendered by `helmfile write-values`).',
    'Same generated files (helmfile gets each team/app file nested under `teams.<t>:`/`apps.<a>:`, since',
    'it cannot place a file under a key), same machine, same run.',
    '',
    table,
    '',
    ...history,
    '',
    'Reproduce: `npx tsc -p . && node dist/bench/values/values.bench.js --teams 1000 --runs 5 --write-docs`',
    '<!-- values:end -->',
  ].join('\n');
  mkdirSync(dirname(file), { recursive: true });
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const re = /<!-- values:start[\s\S]*?<!-- values:end -->/;
  writeFileSync(file, re.test(old) ? old.replace(re, section) : `${old.trimEnd()}\n\n${section}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
});
