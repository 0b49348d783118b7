// Rollout benchmark, in one run on the same values and machine: `runlevel rollout` over three
// embedded clusters in two stages ([r1] then [r2, r3], soak 0s: the gate read once) against the
// same three `runlevel deploy`s one after another, each on fresh clusters; then both again with
// nothing to change. The three clusters' memory (RSS of their processes) and the load are noted.
// Usage: node dist/bench/rollout/run.js [--teams 3,10] [--write-docs]
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { coreVersion } from '../../core/cli/commands/version.js';
import { coreRoot } from '../../core/shared/paths.js';
import { toolEnv } from '../../core/shared/tools.js';
import { contractVersion } from '../../core/values/contract.js';
import { defaultAgeKeyFile } from '../../core/values/secrets.js';
import {
  clustersRssMiB,
  type FleetCluster,
  startClusters,
  stopClusters,
} from '../../test/helpers/fleet-clusters.js';
import { writeBenchRepo } from '../render/generate.js';

const argv = process.argv.slice(2);
const teamCounts = (argv.includes('--teams') ? (argv[argv.indexOf('--teams') + 1] ?? '3') : '3')
  .split(',')
  .map(Number);
const writeDocs = argv.includes('--write-docs');
const names = ['r1', 'r2', 'r3'];
const load = async () => (await readFile('/proc/loadavg', 'utf8')).split(' ')[0];

/** Seconds since the start of each stderr line (the rollout's gate readings are timed from them). */
type Lines = { at: number; line: string }[];

async function timed(label: string, args: string[], lines?: Lines): Promise<number> {
  const started = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - started) / 1e9;
  const child = execa(join(coreRoot, 'bin/runlevel'), args, {
    env: { ...toolEnv(), NO_COLOR: '1', RUNLEVEL_LOG_FORMAT: 'plain' },
    reject: false,
    all: true,
  });
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) lines?.push({ at: since(), line });
  });
  const r = await child;
  const seconds = since();
  if (r.exitCode !== 0)
    throw new Error(`${label} failed (exit ${r.exitCode}):\n${String(r.all).slice(-3000)}`);
  console.error(`  ${label.padEnd(40)} ${seconds.toFixed(1)}s`);
  return seconds;
}

/** Per stage, from "soaking" to "gate held": with soak 0s, one gate reading of its clusters. */
function gateSeconds(lines: Lines): number {
  let total = 0;
  const soaking = new Map<string, number>();
  for (const { at, line } of lines) {
    const soak = /stage (\S+): soaking/.exec(line)?.[1];
    if (soak) soaking.set(soak, at);
    const held = /stage (\S+): gate held/.exec(line)?.[1];
    if (held && soaking.has(held)) total += at - (soaking.get(held) ?? at);
  }
  return total;
}

async function writeRepo(repo: string, clusters: FleetCluster[], teams: number): Promise<void> {
  await writeBenchRepo(repo, teams);
  for (const c of clusters) {
    await mkdir(join(repo, 'clusters', c.name), { recursive: true });
    for (const f of ['settings.yaml', 'secrets.sops.yaml'])
      await copyFile(join(repo, 'clusters/bench', f), join(repo, 'clusters', c.name, f));
  }
  await rm(join(repo, 'clusters/bench'), { recursive: true });
  const entries = clusters.map(
    (c) => `  ${c.name}:\n    environment: bench\n    kubeconfig: ${c.kubeconfig}\n`,
  );
  await writeFile(
    join(repo, 'runlevel.yaml'),
    `core: "${coreVersion()}"\ncontract: ${contractVersion}\nclusters:\n${entries.join('')}rollout:\n  stages:\n    - {name: one, clusters: [r1], soak: 0s}\n    - {name: two, clusters: [r2, r3], soak: 0s}\n`,
  );
}

const loadAtStart = await load();
const rows: string[] = [];
const memory: string[] = [];
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
for (const teams of teamCounts) {
  const work = await mkdtemp(join(tmpdir(), 'runlevel-bench-rollout-'));
  const repo = join(work, 'values');
  const results: Record<string, number> = {};
  let clusters: FleetCluster[] = [];
  try {
    console.error(`rollout bench: ${teams} teams per cluster, load ${await load()}`);
    // (a) three deploys one after another, on fresh clusters.
    clusters = await startClusters(join(work, 'a'), names);
    await writeRepo(repo, clusters, teams);
    const deployAll = async (label: string) => {
      let total = 0;
      for (const c of clusters)
        total += await timed(`${label} ${c.name}`, [
          'deploy',
          '--values',
          repo,
          '--cluster',
          c.name,
          '--kubeconfig',
          c.kubeconfig,
        ]);
      return total;
    };
    results.deploys = await deployAll('deploy');
    results.deploysNoop = await deployAll('deploy (no change)');
    await stopClusters(clusters);
    // (b) the rollout, on fresh clusters again.
    clusters = await startClusters(join(work, 'b'), names);
    await writeRepo(repo, clusters, teams);
    const first: Lines = [];
    results.rollout = await timed('rollout', ['rollout', '--values', repo], first);
    memory.push(`${teams} teams: ${await clustersRssMiB(clusters)} MiB`);
    const again: Lines = [];
    results.rolloutNoop = await timed('rollout (no change)', ['rollout', '--values', repo], again);
    results.gates = gateSeconds(first);
    results.gatesNoop = gateSeconds(again);
    console.error(
      `  gate readings (both stages): ${results.gates.toFixed(1)}s first, ${results.gatesNoop.toFixed(1)}s with nothing changed`,
    );
  } finally {
    await stopClusters(clusters);
    await rm(defaultAgeKeyFile(repo), { force: true });
    await rm(work, { recursive: true, force: true });
  }
  const d = results.deploys ?? 0;
  const r = results.rollout ?? 0;
  const dn = results.deploysNoop ?? 0;
  const rn = results.rolloutNoop ?? 0;
  const g = (k: string) => `${(results[k] ?? 0).toFixed(1)} s`;
  rows.push(
    `| ${teams} | first deploy (fresh clusters) | ${d.toFixed(1)} s | ${r.toFixed(1)} s | ${g('gates')} | ${ratio(r, d)} |`,
  );
  rows.push(
    `| ${teams} | nothing changed | ${dn.toFixed(1)} s | ${rn.toFixed(1)} s | ${g('gatesNoop')} | ${ratio(rn, dn)} |`,
  );
}

const table = [
  '| teams per cluster | | three deploys, one after another | rollout (2 stages, soak 0s) | of it, gate readings | rollout ÷ deploys |',
  '|---:|---|---:|---:|---:|---:|',
  ...rows,
].join('\n');
const section = `<!-- rollout:start (written by bench/rollout; do not edit by hand) -->\n## rollout\n\nCommand: \`node dist/bench/rollout/run.js --teams ${teamCounts.join(',')} --write-docs\` (${new Date().toISOString().slice(0, 10)}, 2 CPUs, load average ${loadAtStart} at the start, ${await load()} at the end). Three embedded clusters, N teams each (3 apps per team); the rollout validates all three, deploys r1, reads its gate once (soak 0s), then deploys r2 and r3 in parallel in one process and reads their gates; the deploys run one after another, each its own process. The three clusters took, once deployed (RSS of etcd, API server, controllers, kwok and gatekeeper): ${memory.join(', ')}.\n\n${table}\n<!-- rollout:end -->`;
console.log(section);
if (writeDocs) {
  const doc = join(coreRoot, 'docs/benchmarks.md');
  const text = await readFile(doc, 'utf8');
  const marked = /<!-- rollout:start[\s\S]*?<!-- rollout:end -->/;
  await writeFile(
    doc,
    marked.test(text) ? text.replace(marked, section) : `${text.trimEnd()}\n\n${section}\n`,
  );
}
