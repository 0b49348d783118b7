// `runlevel diff` against the real local cluster: deploy a values repo made by `runlevel init`,
// change it on disk, and read what a deploy would change without changing anything.
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadKubeConfig } from '../../../core/shared/kube.js';
import { findTool, toolEnv } from '../../../core/shared/tools.js';
import { runCli } from '../../helpers/cli.js';
import { initValuesRepo, type ValuesRepo } from '../../helpers/values-repo.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;

const common = () => ['--cluster', repo.cluster, '--values', repo.dir, '--kubeconfig', kubeconfig];
const deploy = () => runCli(['deploy', ...common()], { timeoutMs: 300_000 });
const diff = (...args: string[]) => runCli(['diff', ...common(), ...args]);

async function helmRevisions(): Promise<Map<string, number>> {
  const r = await execa(
    findTool('helm') ?? 'helm',
    ['list', '-A', '-a', '-o', 'json', '--kubeconfig', kubeconfig],
    {
      env: toolEnv(),
    },
  );
  const rows = JSON.parse(r.stdout) as { name: string; revision: string }[];
  return new Map(rows.map((x) => [x.name, Number(x.revision)]));
}

interface JsonDiff {
  changes: number;
  releases: {
    release: string;
    action: string;
    objects: {
      added: { kind: string; name: string }[];
      removed: { kind: string; name: string }[];
      changed: { kind: string; name: string; diff: string; secretKeys?: Record<string, string> }[];
    };
  }[];
}

test.before(async () => {
  assert.ok(kubeconfig, 'the e2e tier sets KUBECONFIG to the shared local cluster');
  repo = await initValuesRepo('dev');
  const r = await deploy();
  assert.is(r.code, 0, r.stderr);
});

test.after(async () => {
  await repo?.remove();
});

test('right after a deploy: no changes, --detailed-exitcode exits 0', async () => {
  const r = await diff('--detailed-exitcode');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^no changes: \d+ releases match what is deployed$/m);
  const json = JSON.parse((await diff('-o', 'json')).stdout) as JsonDiff;
  assert.is(json.changes, 0);
  assert.equal(json.releases, []);
});

test('a changed app: its Deployment field in a unified diff, exit 2 with --detailed-exitcode, nothing deployed', async () => {
  const before = await helmRevisions();
  await repo.edit('common/apps/hello.yaml', (app) => {
    app.replicas = 3;
  });
  const r = await diff('--detailed-exitcode');
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stdout, /^ {2}~ demo-hello \(team-demo\): upgrade \(changed\)/m);
  assert.match(r.stdout, /^ {6}~ Deployment\/team-demo\/demo-hello$/m);
  assert.match(r.stdout, /^ {8}--- Deployment\/demo-hello \(deployed\)$/m);
  assert.match(r.stdout, /^ {8}@@ -\d+,\d+ \+\d+,\d+ @@$/m);
  assert.match(r.stdout, /^ {8}- {2}replicas: 1$/m);
  assert.match(r.stdout, /^ {8}\+ {2}replicas: 3$/m);
  assert.not.match(r.stdout, 'platform-init', 'unchanged releases are not listed');

  const plain = await diff();
  assert.is(plain.code, 0, 'without --detailed-exitcode a diff with changes still exits 0');

  const json = JSON.parse((await diff('-o', 'json')).stdout) as JsonDiff;
  const hello = json.releases.find((x) => x.release === 'demo-hello');
  assert.is(hello?.action, 'upgrade');
  const deployment = hello?.objects.changed.find((o) => o.kind === 'Deployment');
  assert.match(deployment?.diff ?? '', /^\+ {2}replicas: 3$/m);
  assert.equal(await helmRevisions(), before, 'diff changes nothing');

  await repo.edit('common/apps/hello.yaml', (app) => {
    app.replicas = 1;
  });
  assert.is((await diff('--detailed-exitcode')).code, 0, 'back to what is deployed');
});

test('a changed Secret value is shown as *** (changed); neither the old nor the new plaintext appears', async () => {
  const secret = await loadKubeConfig(kubeconfig)
    .makeApiClient(CoreV1Api)
    .readNamespacedSecret({ name: 'keycloak-admin', namespace: 'sso-system' });
  const oldB64 = secret.data?.password ?? '';
  const oldPlain = Buffer.from(oldB64, 'base64').toString('utf8');
  assert.ok(oldPlain.length >= 8, 'the deployed admin password');
  const newPlain = 'Rotated-Adm1n-Passw0rd';
  await execa(
    findTool('sops') ?? 'sops',
    [
      'set',
      join(repo.dir, 'clusters/dev/secrets.sops.yaml'),
      '["platform"]["sso"]["adminPassword"]',
      JSON.stringify(newPlain),
    ],
    {
      env: {
        ...toolEnv(),
        SOPS_AGE_KEY_FILE: join(homedir(), '.config/runlevel/age', `${basename(repo.dir)}.key`),
      },
    },
  );

  const r = await diff('--detailed-exitcode');
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stdout, /^ {6}~ Secret\/sso-system\/keycloak-admin$/m);
  assert.match(r.stdout, /^ {8}- {2}password: "\*\*\*"$/m);
  assert.match(r.stdout, /^ {8}\+ {2}password: "\*\*\* \(changed\)"$/m);
  assert.match(r.stdout, /^ {11}username: "\*\*\* \(unchanged\)"$/m);
  const json = await diff('-o', 'json');
  const admin = (JSON.parse(json.stdout) as JsonDiff).releases
    .find((x) => x.release === 'sso')
    ?.objects.changed.find((o) => o.name === 'keycloak-admin');
  assert.equal(admin?.secretKeys, { 'data.username': 'unchanged', 'data.password': 'changed' });
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  for (const out of [r.stdout, r.stderr, json.stdout, json.stderr]) {
    for (const leak of [oldPlain, oldB64, newPlain, b64(newPlain)])
      assert.not.ok(out.includes(leak), 'a secret leaked');
  }
});

test('an app removed from its team: its release is listed for pruning with its objects', async () => {
  await repo.edit('common/teams/demo.yaml', (team) => {
    team.apps = [];
  });
  const r = await diff('--detailed-exitcode');
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stdout, /^ {2}- demo-hello \(team-demo\): prune, \d+ objects$/m);
  assert.match(r.stdout, /^ {6}- Deployment\/team-demo\/demo-hello$/m);
});

test.run();
