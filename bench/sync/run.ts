// Sync agent benchmark, on one fresh embedded cluster and a real git server on 127.0.0.1:
//   (a) git push → every changed release Ready: with the hook, by polling (--interval), and by
//       running `runlevel deploy` by hand right after the push (the time a person or CI adds is
//       not counted: the floor of the manual way);
//   (b) the idle agent: CPU seconds and peak RSS over a measured window, extrapolated per hour,
//       with a commit that does not concern the cluster in the window (a fetch and a digest);
//   (c) one drift pass (the live comparison of every release) at N teams.
// Usage: node dist/bench/sync/run.js [--teams 10,50] [--idle 120] [--interval 15s] [--write-docs]
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { clusterDown, clusterUp } from '../../core/cluster/index.js';
import { coreRoot } from '../../core/shared/paths.js';
import { defaultAgeKeyFile } from '../../core/values/secrets.js';
import { startGitServer } from '../../test/helpers/git-server.js';
import { metricValue, startAgent } from '../../test/helpers/sync-agent.js';
import { writeBenchRepo } from '../render/generate.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) =>
  argv.includes(name) ? (argv[argv.indexOf(name) + 1] ?? fallback) : fallback;
const teamCounts = arg('--teams', '10').split(',').map(Number);
const idleSeconds = Number(arg('--idle', '120'));
const interval = arg('--interval', '15s');
const writeDocs = argv.includes('--write-docs');

interface Row {
  teams: number;
  hook: number;
  polling: number;
  manual: number;
  idleCpuPerHour: number;
  idleRssMiB: number;
  idlePasses: number;
  drift: number;
  driftObjects: number;
}

const since = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

/** utime+stime of a process in seconds, and its RSS in MiB (/proc). */
async function usage(pid: number): Promise<{ cpu: number; rssMiB: number }> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(stat[11]) + Number(stat[12]);
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpu: ticks / 100, rssMiB: rss / 1024 };
}

async function benchOne(teams: number): Promise<Row> {
  const work = await execa('mktemp', ['-d', join(tmpdir(), 'runlevel-bench-sync-XXXXXX')]).then(
    (r) => r.stdout,
  );
  const repo = join(work, 'values');
  await writeBenchRepo(repo, teams);
  const solo = (tag: string) =>
    `image: { repository: docker.io/library/nginx, tag: "${tag}" }\nreplicas: 1\n`;
  await writeFile(join(repo, 'common/apps/solo.yaml'), solo('1.27.0'));
  const teamFile = join(repo, 'common/teams/team001.yaml');
  await writeFile(
    teamFile,
    (await readFile(teamFile, 'utf8')).replace('apps: [web, api, worker]', 'apps: [web, api, worker, solo]'),
  );
  const ageKey = defaultAgeKeyFile(repo);
  const server = await startGitServer({ seed: repo });
  const state = join(work, 'cluster');
  const secret = 'bench-hook';
  await writeFile(join(work, 'hook'), secret);
  try {
    const { kubeconfig } = await clusterUp({ stateDir: state });
    const args = (every: string, dir: string) => [
      '--repo',
      server.url,
      '--cluster',
      'bench',
      '--kubeconfig',
      kubeconfig,
      '--age-key-file',
      ageKey,
      '--interval',
      every,
      '--hook-secret-file',
      join(work, 'hook'),
      '--work-dir',
      join(work, dir),
    ];
    console.error(`\n► ${teams} teams`);
    await server.commit({}, 'initial');
    // The first deploy is not measured here (bench/deploy measures it).
    let agent = await startAgent(args('1h', 'hook-agent'));
    await agent.waitFor('the first deploy', (s) => s.state === 'Idle' && !!s.deployed, 1_800_000);

    // (a) hook
    let t = process.hrtime.bigint();
    let c = await server.commit({ 'common/apps/solo.yaml': solo('1.27.1') }, 'solo 1.27.1');
    await agent.hook(JSON.stringify({ ref: 'refs/heads/main' }), secret);
    await agent.waitFor('the hook deploy', (s) => s.deployed?.commit === c, 1_800_000);
    const hook = since(t);
    console.error(`  push → Ready, hook:            ${hook.toFixed(1)}s`);

    // (c) a pass with nothing new: a fetch, then the drift comparison of every release
    const seen = (await agent.status()).lastSync?.at ?? '';
    t = process.hrtime.bigint();
    await agent.hook(JSON.stringify({ ref: 'refs/heads/main' }), secret);
    await agent.waitFor('the drift pass', (s) => (s.lastSync?.at ?? '') > seen, 1_800_000);
    const drift = since(t);
    const driftObjects = 0;
    console.error(`  a pass with nothing new (fetch + drift of every release): ${drift.toFixed(1)}s`);
    await agent.stop();

    // (a) polling
    agent = await startAgent(args(interval, 'poll-agent'));
    await agent.waitFor('the first pass', (s) => s.state === 'Idle' && !!s.deployed, 1_800_000);
    t = process.hrtime.bigint();
    c = await server.commit({ 'common/apps/solo.yaml': solo('1.27.2') }, 'solo 1.27.2');
    await agent.waitFor('the polled deploy', (s) => s.deployed?.commit === c, 1_800_000);
    const polling = since(t);
    console.error(`  push → Ready, polling ${interval}:  ${polling.toFixed(1)}s`);

    // (b) idle, with a commit that does not concern the cluster in the window
    const u0 = await usage(agent.pid);
    const p0 =
      metricValue(await agent.metrics(), 'runlevel_sync_passes_total', {
        trigger: 'interval',
        state: 'Idle',
      }) ?? 0;
    let peak = u0.rssMiB;
    const idleEnd = Date.now() + idleSeconds * 1000;
    await server.commit({ 'README.md': 'notes\n' }, 'docs only');
    while (Date.now() < idleEnd) {
      await sleep(1000);
      peak = Math.max(peak, (await usage(agent.pid)).rssMiB);
    }
    const u1 = await usage(agent.pid);
    const p1 =
      metricValue(await agent.metrics(), 'runlevel_sync_passes_total', {
        trigger: 'interval',
        state: 'Idle',
      }) ?? 0;
    const idleCpuPerHour = ((u1.cpu - u0.cpu) * 3600) / idleSeconds;
    console.error(
      `  idle: ${(u1.cpu - u0.cpu).toFixed(2)} CPU-s in ${idleSeconds}s (${p1 - p0} passes) → ${idleCpuPerHour.toFixed(0)} CPU-s/h, RSS peak ${peak.toFixed(0)} MiB`,
    );
    await agent.stop();

    // (a) by hand: `runlevel deploy` on a fresh checkout right after the push
    const checkout = join(work, 'manual');
    await execa('git', ['clone', '-q', server.url, checkout]);
    t = process.hrtime.bigint();
    await server.commit({ 'common/apps/solo.yaml': solo('1.27.3') }, 'solo 1.27.3');
    await execa('git', ['-C', checkout, 'pull', '-q']);
    await execa(
      join(coreRoot, 'bin/runlevel'),
      [
        'deploy',
        '--cluster',
        'bench',
        '--values',
        checkout,
        '--kubeconfig',
        kubeconfig,
        '--age-key-file',
        ageKey,
      ],
      {
        env: { RUNLEVEL_LOG_FORMAT: 'plain' },
      },
    );
    const manual = since(t);
    console.error(`  push → Ready, deploy by hand:   ${manual.toFixed(1)}s`);
    return {
      teams,
      hook,
      polling,
      manual,
      idleCpuPerHour,
      idleRssMiB: peak,
      idlePasses: p1 - p0,
      drift,
      driftObjects,
    };
  } finally {
    await server.remove();
    await clusterDown({ stateDir: state, purge: true });
    await rm(work, { recursive: true, force: true });
    await rm(ageKey, { force: true });
  }
}

const rows: Row[] = [];
for (const n of teamCounts) rows.push(await benchOne(n));
const table = [
  `| teams | push → Ready, hook | polling (${interval}) | deploy by hand | idle agent CPU per hour | idle RSS peak | pass with nothing new (fetch + drift of every release) |`,
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.teams} | ${r.hook.toFixed(1)} s | ${r.polling.toFixed(1)} s | ${r.manual.toFixed(1)} s | ${r.idleCpuPerHour.toFixed(0)} CPU-s (${r.idlePasses} passes in ${idleSeconds} s) | ${r.idleRssMiB.toFixed(0)} MiB | ${r.drift.toFixed(1)} s |`,
  ),
].join('\n');
console.log(table);
if (writeDocs) {
  const doc = join(coreRoot, 'docs/benchmarks.md');
  const text = await readFile(doc, 'utf8');
  const section = `<!-- sync:start (written by bench/sync; do not edit by hand) -->\n## sync\n\nCommand: \`node dist/bench/sync/run.js --teams ${teamCounts.join(',')} --idle ${idleSeconds} --interval ${interval} --write-docs\` (${new Date().toISOString().slice(0, 10)}, load average at start ${(await readFile('/proc/loadavg', 'utf8')).split(' ')[0]}). One embedded cluster, git http-backend on 127.0.0.1; "push → Ready" ends when the agent reports the commit deployed (its deploy waits for every changed release to be Ready). Idle: CPU from /proc over the window, a commit that does not concern the cluster included, times 3600 / window.\n\n${table}\n<!-- sync:end -->`;
  const marked = /<!-- sync:start[\s\S]*?<!-- sync:end -->/;
  await writeFile(
    doc,
    marked.test(text) ? text.replace(marked, section) : `${text.trimEnd()}\n\n${section}\n`,
  );
}
