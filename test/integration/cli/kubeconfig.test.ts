// A kubeconfig naming certificate files the process cannot read (the image mounts the kubeconfig
// alone): a user error, exit 2, with the way out, never a stack trace from the first request.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { cli, sandbox, valuesRepo } from '../../helpers/values-harness.js';

test('status with a kubeconfig whose CA and client certificate are missing files exits 2 and says what to do', async () => {
  const sb = await sandbox();
  const repo = await valuesRepo(sb);
  const dir = await fixture({
    config: [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: local',
      '  cluster: { server: "https://127.0.0.1:1", certificate-authority: /host/pki/ca.crt }',
      'users:',
      '- name: admin',
      '  user: { client-certificate: pki/admin.crt, client-key-data: bm90IGEga2V5 }',
      'contexts:',
      '- name: local',
      '  context: { cluster: local, user: admin }',
      'current-context: local',
      '',
    ].join('\n'),
  });
  try {
    const config = join(dir, 'config');
    const envs: Record<string, string>[] = [{ KUBECONFIG: config }, { RUNLEVEL_KUBECONFIG: config }];
    for (const env of envs) {
      const r = await cli(sb, repo, ['status', '--cluster', 'dev'], env);
      assert.is(r.code, 2, r.stderr);
      assert.match(r.stderr, `kubeconfig ${config} names certificate files that cannot be read`);
      assert.match(r.stderr, 'cluster "local": certificate-authority /host/pki/ca.crt does not exist');
      assert.match(r.stderr, `user "admin": client-certificate ${join(dir, 'pki/admin.crt')} does not exist`);
      assert.match(r.stderr, 'kubectl config view --flatten --minify');
      assert.not.match(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
      assert.not.match(r.stderr, 'this is a bug');
    }
  } finally {
    await removeFixture(dir);
    await removeFixture(repo);
    await removeFixture(sb.home);
  }
});

test.run();
