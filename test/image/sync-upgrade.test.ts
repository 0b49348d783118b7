// The agent upgrades itself when the pin moves, from a real mirror, verified offline: two cores
// in a docker-registry on 127.0.0.1 (this image as 0.1.0, the same checkout built as 0.2.0 the
// way canary.test.ts builds it), both signed with the key whose cosign.pub is in the values repo,
// plus an unsigned 0.3.0; 0.4.0 is missing. The kwok nodes run no containers, so each agent runs
// on the host from exactly the image its Deployment names (`docker run` in the background), with
// a token of the chart's ServiceAccount. Refusals leave the Deployment and the running agent be;
// a hand-over moves the Deployment by digest, is recorded, and the agent exits; the core it
// handed over to deploys the commit and keeps that image; a downgrade needs the commit's switch.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kubeClusterStore } from '../../core/deploy/cluster.js';
import type { DeployRecord } from '../../core/deploy/record.js';
import { loadKubeConfig } from '../../core/shared/kube.js';
import { coreRoot } from '../../core/shared/paths.js';
import { cleanEnv } from '../helpers/cli.js';
import { removeFixture } from '../helpers/fixture.js';
import { type GitServer, startGitServer } from '../helpers/git-server.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { metricValue } from '../helpers/sync-agent.js';
import { initValuesRepo, type ValuesRepo } from '../helpers/values-repo.js';
import { bootstrapAgent } from './agent-bootstrap.js';
import { removeAgentContainers, startAgentContainer } from './agent-container.js';
import { agentKubeconfig } from './agent-kubeconfig.js';
import { docker, image, readableCopies, writableDir } from './docker.js';
import { signedDir, tool, version } from './signed.js';

const newer = '0.2.0';
const hostKubeconfig = process.env.KUBECONFIG ?? '';
const kc = () => loadKubeConfig(hostKubeconfig);
let repo: ValuesRepo;
let server: GitServer;
let mirror: TestRegistry;
let repository = '';
const digests: Record<string, string> = {};
let mounts: Record<string, string> = {};
const scratch: string[] = [];

/** The same image name as the one under test, at the newer version: runlevel:0.2.0 under make test. */
const newerTag = () => image.replace(/:[^:/]+$/, `:${newer}`);

test.before(async () => {
  assert.ok(image && hostKubeconfig, 'the image tier sets RUNLEVEL_TEST_IMAGE and KUBECONFIG');
  assert.is(version, '0.1.0', 'this checkout is core 0.1.0; the test moves it to 0.2.0 and back');
  // The newer core: this checkout as 0.2.0, built and signed like make image (cached by its
  // inputs: under make test it is canary.test.ts's very build).
  const built = await execa('bash', [join(coreRoot, 'scripts/image.sh')], {
    env: { ...cleanEnv(), RUNLEVEL_VERSION: newer, RUNLEVEL_IMAGE: newerTag() },
    reject: false,
    timeout: 900_000,
  });
  assert.is(built.exitCode, 0, String(built.stderr));
  assert.is(built.stdout.trim(), newerTag());

  [mirror, server, repo] = await Promise.all([
    startRegistry('mirror'),
    startGitServer(),
    initValuesRepo('dev'),
  ]);
  repository = `${mirror.host}/runlevel`;
  // Both signed layouts into the mirror, each with its signature (as a bundle push does).
  let pub = '';
  for (const v of [version, newer]) {
    const layout = join(signedDir(), `runlevel-${v}`);
    const load = await execa(tool('cosign'), ['load', '--dir', layout, `${repository}:${v}`], {
      env: cleanEnv(),
      reject: false,
    });
    assert.is(load.exitCode, 0, String(load.stderr));
    const meta = JSON.parse(readFileSync(join(layout, 'image.json'), 'utf8')) as {
      digest: string;
      publicKey: string;
    };
    assert.is(await mirror.manifestDigest('runlevel', v), meta.digest);
    digests[v] = meta.digest;
    pub ||= meta.publicKey;
    assert.is(meta.publicKey, pub, 'both cores signed with the one key');
  }
  // 0.3.0: in the mirror, never signed (one label more: another digest than the signed 0.1.0).
  const mutate = await execa(
    tool('crane'),
    [
      'mutate',
      '--label',
      'dev.runlevel.test=unsigned',
      `${repository}:${version}`,
      '-t',
      `${repository}:0.3.0`,
    ],
    { env: cleanEnv(), reject: false },
  );
  assert.is(mutate.exitCode, 0, String(mutate.stderr));
  assert.ok(await mirror.manifestDigest('runlevel', '0.3.0'));
  copyFileSync(pub, join(repo.dir, 'cosign.pub'));
});

test.after(async () => {
  await removeAgentContainers();
  const refs = Object.values(digests).map((d) => `${repository}@${d}`);
  if (refs.length) await docker(['rmi', ...refs]);
  // The cluster as the other tests expect it: no record of a newer core (a downgrade otherwise).
  const last = await kubeClusterStore(kc())
    .readRecord()
    .then((r) => r.deploys.find((d) => d.command === 'deploy'))
    .catch(() => undefined);
  if (last && last.coreVersion !== version) {
    await kc()
      .makeApiClient(CoreV1Api)
      .deleteNamespacedConfigMap({ name: 'runlevel-state', namespace: 'runlevel-system' })
      .catch(() => {});
  }
  for (const dir of scratch) await removeFixture(dir);
  await server?.remove();
  await mirror?.stop();
  await repo?.remove();
});

const git = (...args: string[]) =>
  execa('git', ['-C', repo.dir, '-c', 'user.name=dev', '-c', 'user.email=dev@test', ...args]);

/** Change the repo, commit (the repo's hook wants a runlevel on PATH: --no-verify) and push. */
async function push(message: string, change: () => Promise<void>): Promise<string> {
  await change();
  await git('add', '-A');
  await git('commit', '-q', '--no-verify', '-m', message);
  await git('push', '-q', server.url, 'HEAD:refs/heads/main');
  return (await git('rev-parse', 'HEAD')).stdout.trim();
}

const setPin = (core: string, allowDowngrade?: boolean) =>
  repo.edit('runlevel.yaml', (doc) => {
    doc.clusters.dev.core = core;
    if (allowDowngrade) doc.clusters.dev.allowDowngrade = true;
    else delete doc.clusters.dev.allowDowngrade;
  });

async function agentImage(): Promise<string> {
  const d = await kc()
    .makeApiClient(AppsV1Api)
    .readNamespacedDeployment({ name: 'runlevel-agent', namespace: 'runlevel-system' });
  return d.spec?.template.spec?.containers.find((c) => c.name === 'agent')?.image ?? '';
}

async function record(): Promise<DeployRecord[]> {
  return (await kubeClusterStore(kc()).readRecord()).deploys;
}

test('refusals, a hand-over to the newer core through the mirror, its deploy, and a downgrade only with the switch', async () => {
  // 1. The cluster follows the repo (bootstrap's first deploy), its agent on the mirror's 0.1.0,
  // a registry the values allow (policies/allowed-registries).
  await repo.edit('common/settings.yaml', (doc) => {
    doc.platform.registry.allowed.push(mirror.host);
  });
  // cosign.pub with it: the agent checks the pinned core against the key of the commit it reads.
  await git('add', '-A');
  await git('commit', '-q', '--no-verify', '-m', 'the mirror is an allowed registry; our signing key');
  const b = await bootstrapAgent({
    repoUrl: server.url,
    valuesDir: repo.dir,
    kubeconfig: hostKubeconfig,
    env: { RUNLEVEL_IMAGE_REPOSITORY: repository },
  });
  assert.is(b.code, 0, b.stderr);
  assert.is(await agentImage(), `${repository}:${version}`);
  const copies = await readableCopies(repo.dir, hostKubeconfig);
  const { dir: workParent, out: work } = await writableDir();
  scratch.push(copies.dir, workParent);
  mounts = {
    [await agentKubeconfig(hostKubeconfig, copies.dir)]: '/kube/config',
    [copies.ageKey]: '/keys/age.key',
    [work]: '/work',
  };
  // The agent by digest, as a commit of the repo says.
  const v1 = `${repository}:${version}@${digests[version]}`;
  const byDigest = await push('agent by digest', () =>
    repo.edit(`clusters/dev/agent.yaml`, (doc) => {
      doc.platform.agent.image = v1;
    }),
  );
  const a = await startAgentContainer(`${repository}@${digests[version]}`, server.url, mounts);
  await a.waitFor('the digest commit deployed', (s) => s.deployed?.commit === byDigest);
  assert.is(await agentImage(), v1);

  // 2. A pin to a core missing from the mirror, then to one in it but unsigned: refused, reported.
  for (const [pin, why] of [
    ['0.4.0', `core 0.4.0 is not in the registry: ${repository}:0.4.0 was not found`],
    ['0.3.0', `core 0.3.0 (${repository}:0.3.0, sha256:`],
  ] as const) {
    const c = await push(`pin ${pin}`, () => setPin(pin));
    const s = await a.waitFor(`commit ${c.slice(0, 12)} refused`, (x) => x.invalid?.commit === c);
    assert.ok(s.invalid?.reason.startsWith(why), s.invalid?.reason);
    if (pin === '0.3.0')
      assert.match(s.invalid?.reason ?? '', "is not signed with the values repo's cosign.pub: no signature");
    assert.is(s.deployed?.commit, byDigest, 'the last good commit stays deployed');
    const metrics = await (await fetch(`${a.base}/metrics`)).text();
    assert.is(metricValue(metrics, 'runlevel_sync_invalid_commit_info', { commit: c }), 1, metrics);
    assert.match(await a.logs(), `commit ${c.slice(0, 12)} refused, ${byDigest.slice(0, 12)} stays deployed`);
    assert.is(await agentImage(), v1, 'the Deployment is not moved');
    assert.ok(await a.running(), 'the old agent keeps running');
  }

  // 3. The pin moves to 0.2.0, with a change of an app: the agent hands over and exits.
  const hello = 'common/apps/hello.yaml';
  const moved = await push(`core ${newer}, two replicas`, async () => {
    await setPin(newer);
    await repo.edit(hello, (doc) => {
      doc.replicas = 2;
    });
  });
  assert.is(await a.exited(), 0, await a.logs());
  const v2 = `${repository}:${newer}@${digests[newer]}`;
  assert.is(await agentImage(), v2, 'its own Deployment, moved to the newer core by digest');
  const [handover] = await record();
  assert.equal(handover?.handover, { to: newer, image: v2 });
  assert.is(handover?.valuesCommit, moved.slice(0, 12));
  assert.is(handover?.coreVersion, version);
  assert.equal(handover?.releases, [], 'the old core deployed nothing of that commit');
  assert.match(
    await a.logs(),
    `commit ${moved.slice(0, 12)} pins core ${newer}: handing over from ${version}`,
  );

  // 4. The core the Deployment now names, exactly that reference, deploys the commit and keeps its image.
  const b2 = await startAgentContainer(await agentImage(), server.url, mounts);
  await b2.waitFor(`${moved.slice(0, 12)} deployed by ${newer}`, (s) => s.deployed?.commit === moved);
  const [deployed] = await record();
  assert.is(deployed?.coreVersion, newer);
  assert.is(deployed?.valuesCommit, moved.slice(0, 12));
  assert.is(deployed?.outcome, 'succeeded');
  assert.ok(
    deployed?.releases.some((r) => r.name.endsWith('-hello') && r.action === 'upgraded'),
    JSON.stringify(deployed?.releases),
  );
  assert.is(await agentImage(), v2, 'the new core does not move its own Deployment back');

  // 5. Back to 0.1.0 without the switch: refused with the documented reason; with it: handed over.
  const back = await push(`core ${version}`, () => setPin(version));
  const refused = await b2.waitFor('the downgrade refused', (x) => x.invalid?.commit === back);
  assert.is(
    refused.invalid?.reason,
    `it pins core ${version}, older than this agent's ${newer}: a downgrade is refused unless the commit also sets allowDowngrade: true under this cluster in runlevel.yaml (docs/gitops.md)`,
  );
  assert.is(await agentImage(), v2);
  assert.ok(await b2.running());
  const allowed = await push(`core ${version}, allowed`, () => setPin(version, true));
  assert.is(await b2.exited(), 0, await b2.logs());
  assert.is(await agentImage(), v1, 'handed back to 0.1.0 by digest');
  assert.equal((await record())[0]?.handover, { to: version, image: v1 });
  // The older core deploys the commit whose switch allowed it (the record's newer core notwithstanding).
  const c3 = await startAgentContainer(await agentImage(), server.url, mounts);
  await c3.waitFor(`${allowed.slice(0, 12)} deployed by ${version}`, (s) => s.deployed?.commit === allowed);
  const [last] = await record();
  assert.is(last?.coreVersion, version);
  assert.is(last?.valuesCommit, allowed.slice(0, 12));
  assert.is(await agentImage(), v1);
});

test.run();
