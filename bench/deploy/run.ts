// Deploy benchmark, side by side in one run on the same helmfile.d, values and local clusters:
//   (a) first deploy:      runlevel deploy      vs helmfile sync
//   (b) no-op re-deploy:   runlevel deploy      vs helmfile apply, helmfile sync
//   (c) one app changed:   runlevel deploy      vs helmfile apply, and the single helm upgrade it needs
// Each tool gets its own fresh local cluster so neither sees the other's releases.
// Usage: node dist/bench/deploy/run.js [--teams 10,50] [--baseline DIR] [--write-docs]
// --baseline: a built checkout of the core before the helm engine, for (b) and (c) on the same cluster.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { clusterDown, clusterUp } from '../../core/cluster/index.js';
import { listRunlevels } from '../../core/render/runlevels.js';
import { coreRoot } from '../../core/shared/paths.js';
import { findTool, toolEnv } from '../../core/shared/tools.js';
import { resolveValues } from '../../core/values/index.js';
import { baselineCopy, writeBenchRepo } from '../render/generate.js';

const argv = process.argv.slice(2);
const teamCounts = (argv[argv.indexOf('--teams') + 1] ?? '10,50').split(',').map(Number);
const writeDocs = argv.includes('--write-docs');

/** A built checkout of the core before the helm engine (`--baseline DIR`), run on the same cluster. */
const baseline = argv.includes('--baseline') ? (argv[argv.indexOf('--baseline') + 1] ?? '') : '';
/** The --verbose timing marks (⏱) of the one-change deploys: where their time went. */
const breakdowns: string[] = [];

async function timed(label: string, cmd: string, args: string[], env: Record<string, string>, quiet = false) {
  const started = process.hrtime.bigint();
  const r = await execa(cmd, args, {
    env: { ...toolEnv(), ...env },
    cwd: coreRoot,
    reject: false,
    all: true,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.exitCode !== 0)
    throw new Error(`${label} failed (exit ${r.exitCode}):\n${String(r.all).slice(-3000)}`);
  if (!quiet) console.error(`  ${label.padEnd(34)} ${seconds.toFixed(2)}s`);
  const marks = String(r.all)
    .split('\n')
    .filter((l) => l.includes('⏱'))
    .map((l) => l.trim());
  if (marks.length > 0) breakdowns.push(`${label} (${seconds.toFixed(2)} s):\n${marks.join('\n')}`);
  return seconds;
}

async function stateValues(repo: string, dir: string): Promise<string> {
  const resolved = await resolveValues({ valuesDir: repo, cluster: 'bench' });
  const file = join(dir, 'state-values.yaml');
  await writeFile(file, stringify(resolved.values), { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

interface Row {
  teams: number;
  releases: number;
  first: { runlevel: number; helmfileSync: number };
  noop: { runlevel: number; before: number; helmfileApply: number; helmfileSync: number };
  change: {
    runlevel: number;
    before: number;
    helmfileApply: number;
    helmUpgrade: number;
    helmUpgradeWait: number;
  };
}

async function benchOne(teams: number): Promise<Row> {
  const work = await mkdtemp(join(tmpdir(), 'runlevel-bench-deploy-'));
  const repo = join(work, 'values');
  await writeBenchRepo(repo, teams);
  // One app only team001 runs, so (c) changes exactly one release.
  await writeFile(
    join(repo, 'common/apps/solo.yaml'),
    'image: { repository: docker.io/library/nginx, tag: "1.27.3" }\nreplicas: 1\n',
  );
  const teamFile = join(repo, 'common/teams/team001.yaml');
  await writeFile(
    teamFile,
    (await readFile(teamFile, 'utf8')).replace('apps: [web, api, worker]', 'apps: [web, api, worker, solo]'),
  );
  const [a, b] = [join(work, 'cluster-runlevel'), join(work, 'cluster-helmfile')];
  try {
    const ca = await clusterUp({ stateDir: a });
    const cb = await clusterUp({ stateDir: b });
    const runlevel = async (label: string, root = coreRoot, verbose = false) =>
      timed(
        label,
        join(root, 'bin/runlevel'),
        [
          'deploy',
          '--cluster',
          'bench',
          '--values',
          root === coreRoot ? repo : await baselineCopy(repo, join(work, 'before', 'values')),
          '--kubeconfig',
          ca.kubeconfig,
          ...(verbose ? ['--verbose'] : []),
        ],
        // The baseline finds the same pinned tools as this checkout.
        { RUNLEVEL_LOG_FORMAT: 'plain', RUNLEVEL_TOOLS_DIR: join(coreRoot, '.tools/bin') },
      );
    const before = async (label: string, verbose = false) =>
      baseline ? runlevel(label, baseline, verbose) : Number.NaN;
    // helmfile over the runlevel files one after another, in order: `helmfile --file helmfile.d
    // sync` in one go fails here (the team chart's namespaces collide with the apps' --create-namespace).
    const files = listRunlevels().map((r) => r.file);
    const helmfile = async (label: string, verb: string) => {
      const valuesFile = await stateValues(repo, work);
      const started = process.hrtime.bigint();
      for (const file of files) {
        const args = ['--file', file, '--state-values-file', valuesFile, verb, '--skip-deps'];
        await timed(
          `${label} ${basename(file)}`,
          findTool('helmfile') ?? 'helmfile',
          args,
          { KUBECONFIG: cb.kubeconfig },
          true,
        );
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      console.error(`  ${label.padEnd(34)} ${seconds.toFixed(2)}s`);
      return seconds;
    };
    console.error(`\n► ${teams} teams`);
    const first = {
      runlevel: await runlevel('(a) runlevel deploy (first)'),
      helmfileSync: await helmfile('(a) helmfile sync (first)', 'sync'),
    };
    // Each core's no-op and one change follow a deploy by that same core, so neither pays for
    // converging what the other core stored (a core's charts and manifests differ by version).
    const noopRunlevel = await runlevel('(b) runlevel deploy (no-op)');
    // helmfile's no-op on its own cluster, before the values change below.
    const helmfileApply = await helmfile('(b) helmfile apply (no-op)', 'apply');
    const helmfileSync = await helmfile('(b) helmfile sync (no-op)', 'sync');
    // (c) one team's app changes: team001's solo app gets a new image tag, so its Deployment rolls
    // out a new Pod (a replica count change can pass helm's --wait before anything moved).
    await writeFile(
      join(repo, 'common/apps/solo.yaml'),
      'image: { repository: docker.io/library/nginx, tag: "1.27.4" }\nreplicas: 1\n',
    );
    const changeRunlevel = await runlevel('(c) runlevel deploy (1 app changed)', coreRoot, true);
    // The same no-op and change by the core before the engine, on the same cluster, once it has
    // deployed its own render (untimed).
    if (baseline) await before('    before the engine settles (untimed)');
    const noopBefore = await before('(b) before the engine (no-op)');
    await writeFile(
      join(repo, 'common/apps/solo.yaml'),
      'image: { repository: docker.io/library/nginx, tag: "1.27.2" }\nreplicas: 1\n',
    );
    const changeBefore = await before('(c) before the engine (1 app changed)', true);
    const noop = {
      runlevel: noopRunlevel,
      before: noopBefore,
      helmfileApply,
      helmfileSync,
    };
    const changeApply = await helmfile('(c) helmfile apply (1 app changed)', 'apply');
    // The floor: the one helm upgrade that change needs (one more replica change, on cluster B).
    // runlevel also waits for the change to be ready, so the like-for-like floor is `--wait`.
    const helmUpgradeTo = async (tag: string, wait: boolean) => {
      const values = join(work, 'solo-values.yaml');
      await writeFile(values, `image: { tag: "${tag}" }\n`, { mode: 0o600 });
      const args = ['upgrade', 'team001-solo', join(coreRoot, 'charts/app'), '-n', 'team-team001'];
      args.push('--reuse-values', '-f', values, ...(wait ? ['--wait'] : []));
      const label = `(c) helm upgrade${wait ? ' --wait' : ''} (the floor)`;
      return timed(label, findTool('helm') ?? 'helm', args, { KUBECONFIG: cb.kubeconfig });
    };
    const helmUpgrade = await helmUpgradeTo('1.27.5', false);
    const helmUpgradeWait = await helmUpgradeTo('1.27.6', true);
    const releases = (
      await execa(findTool('helm') ?? 'helm', ['list', '-A', '-q', '--max', '0'], {
        env: { ...toolEnv(), KUBECONFIG: ca.kubeconfig },
      })
    ).stdout
      .split('\n')
      .filter(Boolean).length;
    return {
      teams,
      releases,
      first,
      noop,
      change: {
        runlevel: changeRunlevel,
        before: changeBefore,
        helmfileApply: changeApply,
        helmUpgrade,
        helmUpgradeWait,
      },
    };
  } finally {
    await clusterDown({ stateDir: a, purge: true });
    await clusterDown({ stateDir: b, purge: true });
    await rm(work, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
for (const n of teamCounts) rows.push(await benchOne(n));
const ratio = (x: number, y: number) => `${(x / y).toFixed(2)}×`;
const table = [
  '| teams | releases | (a) runlevel first | helmfile sync | ratio | (b) runlevel no-op | before the engine | helmfile apply | helmfile sync | vs apply | (c) runlevel 1 change | before the engine | helmfile apply | helm upgrade | helm upgrade --wait | vs --wait | vs no wait |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.teams} | ${r.releases} | ${r.first.runlevel.toFixed(1)} s | ${r.first.helmfileSync.toFixed(1)} s | ${ratio(r.first.runlevel, r.first.helmfileSync)} | ${r.noop.runlevel.toFixed(1)} s | ${r.noop.before.toFixed(1)} s | ${r.noop.helmfileApply.toFixed(1)} s | ${r.noop.helmfileSync.toFixed(1)} s | ${(r.noop.helmfileApply / r.noop.runlevel).toFixed(1)}× faster | ${r.change.runlevel.toFixed(1)} s | ${r.change.before.toFixed(1)} s | ${r.change.helmfileApply.toFixed(1)} s | ${r.change.helmUpgrade.toFixed(1)} s | ${r.change.helmUpgradeWait.toFixed(1)} s | ${ratio(r.change.runlevel, r.change.helmUpgradeWait)} | ${ratio(r.change.runlevel, r.change.helmUpgrade)} |`,
  ),
].join('\n');
console.log(table);
console.log(
  `\nWhere a one-change deploy's time went (--verbose, seconds since the process started):\n\n${breakdowns.map((b) => `\`\`\`\n${b}\n\`\`\``).join('\n\n')}`,
);
if (writeDocs) {
  const doc = join(coreRoot, 'docs/benchmarks.md');
  const text = await readFile(doc, 'utf8').catch(() => '# Benchmarks\n');
  const section = `<!-- deploy:start (written by bench/deploy; do not edit by hand) -->\n## deploy\n\nCommand: \`node dist/bench/deploy/run.js --teams ${teamCounts.join(',')}${baseline ? ' --baseline <checkout before the engine>' : ''} --write-docs\` (${new Date().toISOString().slice(0, 10)}, load average at start ${(await readFile('/proc/loadavg', 'utf8')).split(' ')[0]}).\nEach tool deploys to its own fresh embedded cluster; runlevel's time includes validate, render, check and its readiness gates; helmfile runs with its defaults (no --wait).\n\n${table}\n\n${breakdowns.map((b) => `\`\`\`\n${b}\n\`\`\``).join('\n\n')}\n<!-- deploy:end -->`;
  const marked = /<!-- deploy:start[\s\S]*?<!-- deploy:end -->/;
  const next = marked.test(text) ? text.replace(marked, section) : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(doc, next);
}
