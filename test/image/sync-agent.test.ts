// The agent in the cluster, as far as fake nodes allow: `runlevel bootstrap` installs the chart
// (runlevel 95-agent) with a first deploy; the embedded cluster's kwok nodes run no containers, so
// the loop then runs from the real image on the host (`docker run IMAGE sync`) with a kubeconfig
// made from a TokenRequest token of the chart's own ServiceAccount: the agent deploys a commit with
// exactly the rights the chart grants, no more.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kubeClusterStore } from '../../core/deploy/cluster.js';
import { loadKubeConfig } from '../../core/shared/kube.js';
import { removeFixture } from '../helpers/fixture.js';
import { type GitServer, startGitServer } from '../helpers/git-server.js';
import { initValuesRepo, type ValuesRepo } from '../helpers/values-repo.js';
import { bootstrapAgent } from './agent-bootstrap.js';
import { agentKubeconfig } from './agent-kubeconfig.js';
import { dockerRun, image, readableCopies, writableDir } from './docker.js';

const kubeconfig = process.env.KUBECONFIG ?? '';
let repo: ValuesRepo;
let server: GitServer;
const scratch: string[] = []; // the test's copies and the agent's work directory

test.before(async () => {
  assert.ok(image, 'the image tier sets RUNLEVEL_TEST_IMAGE');
  repo = await initValuesRepo('dev');
  server = await startGitServer();
});

test.after(async () => {
  for (const dir of scratch) await removeFixture(dir);
  await server?.remove();
  await repo?.remove();
});

test('bootstrap installs the agent; the image runs sync with only the agent ServiceAccount’s rights', async () => {
  const b = await bootstrapAgent({ repoUrl: server.url, valuesDir: repo.dir, kubeconfig });
  assert.is(b.code, 0, b.stderr);
  assert.match(b.stderr, /runlevel-agent/);

  const copies = await readableCopies(repo.dir, kubeconfig);
  scratch.push(copies.dir);
  const agentConfig = await agentKubeconfig(kubeconfig, copies.dir);
  const { dir: workParent, out: work } = await writableDir();
  scratch.push(workParent);
  const sync = () =>
    dockerRun(
      [
        'sync',
        '--repo',
        server.url,
        '--branch',
        'main',
        '--cluster',
        'dev',
        '--once',
        '--listen',
        '127.0.0.1:0',
        '--work-dir',
        '/work',
      ],
      {
        mounts: { [agentConfig]: '/kube/config', [copies.ageKey]: '/keys/age.key', [work]: '/work' },
        writable: ['/work'],
        env: { RUNLEVEL_AGE_KEY_FILE: '/keys/age.key' },
        timeoutMs: 900_000,
      },
    );
  const first = await sync();
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stderr, /deployed [0-9a-f]{12}/);

  // A change, deployed by the agent with the ServiceAccount's token.
  const hello = join(repo.dir, 'common/apps/hello.yaml');
  await writeFile(hello, (await readFile(hello, 'utf8')).replace('replicas: 1', 'replicas: 2'));
  // Pushed from the values repo bootstrap pushed from (the server's history is that repo's).
  const git = (...args: string[]) => execa('git', ['-C', repo.dir, ...args]);
  await git('commit', '-q', '--no-verify', '-am', 'two replicas'); // the repo's hook wants a runlevel on PATH
  await git('push', '-q', server.url, 'HEAD:refs/heads/main');
  const c = (await git('rev-parse', 'HEAD')).stdout.trim();
  const second = await sync();
  assert.is(second.code, 0, second.stderr);
  assert.match(second.stderr, new RegExp(`deployed ${c.slice(0, 12)}`));
  const [last] = (await kubeClusterStore(loadKubeConfig(kubeconfig)).readRecord()).deploys;
  assert.is(last?.valuesCommit, c.slice(0, 12));
  assert.is(last?.outcome, 'succeeded');
  assert.not.match(second.stderr, /forbidden/i);
});

test.run();
