// The staged rollout on three real embedded clusters in two stages ([a] then [b, c]), one team each:
// a release that never becomes Ready in stage one stops the rollout before stage two (whose
// clusters get no record); after the fix `--from` resumes; a dead cluster in stage two is reported
// unreachable within the bound and stops that stage; promote refuses while stage one fails its
// gate and moves stage two's pins in one commit once it holds. The clusters' memory is measured.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreVersion } from '../../../core/cli/commands/version.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { beforeSaying } from '../../helpers/before.js';
import { runCli } from '../../helpers/cli.js';
import {
  addClusters,
  clustersRssMiB,
  deployRecords,
  type FleetCluster,
  startClusters,
  stopClusters,
} from '../../helpers/fleet-clusters.js';
import { type SilentServer, silentServer } from '../../helpers/silent-server.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const names = (process.env.RUNLEVEL_ROLLOUT_CLUSTERS ?? 'a,b,c').split(',');
const root = join(coreRoot, '.runlevel', 'e2e-rollout');
let clusters: FleetCluster[] = [];
let repo: ValuesRepo;
let silent: SilentServer;
const kc = (name: string) => clusters.find((c) => c.name === name)?.kubeconfig ?? '';

beforeSaying(test, setUp);

async function setUp(): Promise<void> {
  await mkdir(root, { recursive: true });
  clusters = await startClusters(root, names);
  console.error(`memory of ${clusters.length} idle clusters: ${await clustersRssMiB(clusters)} MiB RSS`);
  silent = await silentServer();
  repo = await initValuesRepo(names[0]);
  await addClusters(repo, clusters);
  await repo.edit('runlevel.yaml', (doc) => {
    doc.rollout = {
      poll: '2s',
      stages: [
        { name: 'one', clusters: [names[0]], soak: '4s' },
        { name: 'two', clusters: names.slice(1), soak: '4s' },
      ],
    };
  });
  // The fault: in stage one's cluster, the team may run 1 Pod and its app wants 3: never Ready.
  await brokenApp(true);
  const git = simpleGit(repo.dir);
  await git.add('.').commit('fleet', undefined, { '--no-verify': null });
}

test.after(async () => {
  await silent?.close();
  await stopClusters(clusters);
  await repo?.remove();
  await rm(root, { recursive: true, force: true });
});

async function brokenApp(on: boolean): Promise<void> {
  const dir = join(repo.dir, 'clusters', names[0] as string);
  const files = { 'teams/demo.yaml': 'quota: {pods: 1}\n', 'apps/hello.yaml': 'replicas: 3\n' };
  for (const [file, text] of Object.entries(files)) {
    if (!on) {
      await rm(join(dir, file), { force: true });
      continue;
    }
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
}

const rollout = (...args: string[]) =>
  runCli(['rollout', '--values', repo.dir, '--timeout', '20s', '--probe-timeout', '3s', ...args], {
    timeoutMs: 900_000,
  });

test('a cluster whose kubeconfig reaches another one’s API server is refused before any deploy, exit 2', async () => {
  // The last cluster pointed at the one before it (three clusters: two of one stage).
  const [twin, last] = names.slice(-2) as [string, string];
  await repo.edit('runlevel.yaml', (doc) => {
    doc.clusters[last].kubeconfig = kc(twin);
  });
  try {
    const r = await rollout();
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, `rollout refused: 1 cluster(s) invalid, nothing was deployed: ${last}`);
    assert.match(
      r.stderr,
      new RegExp(
        `${twin} \\(context "[^"]+" in ${kc(twin)}\\) and ${last} \\(context "[^"]+" in ${kc(twin)}\\) reach the same API server \\(the same kube-system namespace UID [0-9a-f-]{36}\\)`,
      ),
    );
    assert.match(r.stderr, 'the kubeconfig and context of its own API server');
    assert.not.match(r.stderr, /deploying/);
    for (const c of names) assert.equal(await deployRecords(kc(c)), [], `${c}: no record`);
  } finally {
    await repo.edit('runlevel.yaml', (doc) => {
      doc.clusters[last].kubeconfig = clusters.find((c) => c.name === last)?.kubeconfig;
    });
  }
});

test('a release never Ready in stage one stops the rollout there: stage two untouched, exit 5', async () => {
  const r = await rollout();
  assert.is(r.code, 5, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`rollout stopped in stage one: ${names[0]} deploy-failed at 90-apps / demo-hello`),
  );
  assert.match(r.stderr, `not touched: ${names.slice(1).join(', ')}`);
  assert.match(r.stderr, 'runlevel rollout --from one');
  assert.match(
    r.stderr,
    new RegExp(`${names[0]}: runlevel \\S+: \\d+ of \\d+ releases to apply`),
    'progress names cluster and runlevel',
  );
  assert.match(r.stdout, new RegExp(`^${names[0]}\\s+one\\s+deploy-failed`, 'm'));
  for (const later of names.slice(1)) assert.equal(await deployRecords(kc(later)), [], `${later}: no record`);
  assert.is((await deployRecords(kc(names[0] as string)))[0]?.outcome, 'failed');
});

test('promote refuses while stage one fails its gate, and says which cluster', async () => {
  const r = await runCli(['promote', '--to', 'two', '--values', repo.dir, '--probe-timeout', '3s'], {
    timeoutMs: 300_000,
  });
  assert.is(r.code, 9, r.stderr);
  assert.match(r.stderr, new RegExp(`the gate of stage one does not hold: ${names[0]}: .*failed`));
});

test('fixed, --from one resumes; a dead cluster in stage two is unreachable within the bound and stops it', async () => {
  await brokenApp(false);
  const dead = await silent.kubeconfig(join(root, 'dead.kubeconfig'));
  await repo.edit('runlevel.yaml', (doc) => {
    doc.clusters.gone = { environment: doc.clusters[names[0] as string].environment, kubeconfig: dead };
    doc.rollout.stages[1].clusters.push('gone');
  });
  await cp(join(repo.dir, 'clusters', names[0] as string), join(repo.dir, 'clusters/gone'), {
    recursive: true,
  });
  const r = await rollout('--from', 'one');
  assert.is(r.code, 9, r.stderr);
  assert.match(r.stderr, `stage one: gate held`);
  assert.match(r.stderr, /gone: unreachable: no answer within 3 s/);
  assert.match(r.stderr, /rollout stopped in stage two: gone unreachable/);
  assert.match(r.stdout, /^gone\s+two\s+unreachable/m);
  for (const c of names.slice(1)) {
    assert.match(r.stdout, new RegExp(`^${c}\\s+two\\s+deployed`, 'm'));
    assert.is((await deployRecords(kc(c)))[0]?.outcome, 'succeeded', `${c} deployed with its own record`);
  }
  console.error(`memory of ${clusters.length} deployed clusters: ${await clustersRssMiB(clusters)} MiB RSS`);
});

test('without the dead cluster, --from two deploys stage two only; stage one is not deployed again', async () => {
  await repo.edit('runlevel.yaml', (doc) => {
    delete doc.clusters.gone;
    doc.rollout.stages[1].clusters = names.slice(1);
  });
  await rm(join(repo.dir, 'clusters/gone'), { recursive: true, force: true });
  const first = (await deployRecords(kc(names[0] as string))).length;
  const r = await rollout('--from', 'two');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, 'stages before two: one (not touched)');
  assert.match(r.stderr, 'stage two: gate held');
  assert.is((await deployRecords(kc(names[0] as string))).length, first, 'stage one untouched');
});

test('promote --to two moves stage two pins in one commit once stage one holds its gate', async () => {
  await repo.edit('runlevel.yaml', (doc) => {
    for (const c of names.slice(1)) doc.clusters[c].core = '0.0.1';
  });
  const git = simpleGit(repo.dir);
  await git.add('.').commit('stage two left behind', undefined, { '--no-verify': null });
  const r = await runCli(['promote', '--to', 'two', '--values', repo.dir], {
    timeoutMs: 300_000,
    env: { RUNLEVEL_BIN: join(coreRoot, 'bin/runlevel') }, // the repo's pre-commit hook validates
  });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, `promoted stage two to core ${coreVersion()}`);
  const text = await readFile(join(repo.dir, 'runlevel.yaml'), 'utf8');
  assert.not.match(text, '0.0.1');
  const log = await git.log({ maxCount: 1 });
  assert.match(log.latest?.message ?? '', `promote stage two to core ${coreVersion()}`);
  assert.equal((await git.show(['--name-only', '--format=', 'HEAD'])).trim(), 'runlevel.yaml');
});

test.run();
