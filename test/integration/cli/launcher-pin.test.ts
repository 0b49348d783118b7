// The launcher's pin refusals are the CLI's: for every pin problem it finds itself (no pin, a
// moving tag at the top or on a cluster, block or flow style, one cluster or all), bin/runlevel-docker
// and bin/runlevel exit alike and print the same words, byte for byte; each output is golden. The
// refusal that is the launcher's alone, no engine answering, is golden too (the pinned core not
// here needs an engine: test/image/launcher.test.ts).
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { cleanEnv } from '../../helpers/cli.js';
import { fixture, removeFixture } from '../../helpers/fixture.js';
import { assertGoldenFile } from '../../helpers/golden.js';

const dirs: string[] = [];
test.after(async () => {
  for (const d of dirs) await removeFixture(d);
});

async function repoWith(lines: string[] | undefined): Promise<string> {
  const dir = await fixture(
    lines ? { 'runlevel.yaml': `${lines.join('\n')}\n` } : { 'README.md': 'no repo\n' },
  );
  dirs.push(dir);
  return dir;
}

/** Runs bin/<name> from the repo; no engine, so nothing past the pin could run by accident. */
async function run(name: 'runlevel' | 'runlevel-docker', dir: string, args: string[]) {
  const r = await execa(join(coreRoot, 'bin', name), args, {
    cwd: dir,
    env: {
      ...cleanEnv(),
      NO_COLOR: '1',
      RUNLEVEL_LOG_FORMAT: 'plain',
      DOCKER_HOST: 'unix:///nonexistent.sock',
    },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  return { code: r.exitCode ?? -1, stderr: String(r.stderr).replaceAll(dir, '<repo>') };
}

const cases: { name: string; code: number; args: string[]; lines: string[] | undefined }[] = [
  {
    name: 'no-pin',
    code: 7,
    args: ['validate', '--cluster', 'dev'],
    lines: ['clusters:', '  dev:', '    environment: dev'],
  },
  {
    name: 'moving-tag-top',
    code: 7,
    args: ['deploy', '--cluster', 'dev'],
    lines: ['core: latest', 'clusters:', '  dev:', '    environment: dev'],
  },
  {
    name: 'moving-tag-every-cluster',
    code: 7,
    args: ['validate'],
    lines: [
      "core: 'main' # a branch",
      'clusters:',
      '  dev:',
      '    environment: dev',
      '  prod:',
      '    environment: prod',
    ],
  },
  {
    name: 'moving-tag-cluster-block',
    code: 7,
    args: ['template', '--cluster', 'dev'],
    lines: ['core: "0.1.0"', 'clusters:', '  dev:', '    environment: dev', '    core: "latest"'],
  },
  {
    name: 'moving-tag-cluster-flow',
    code: 7,
    args: ['diff', '--cluster', 'canary'],
    lines: [
      'core: "0.1.0"',
      'clusters:',
      '  dev:',
      '    environment: dev',
      '  canary: {environment: dev, core: main}',
    ],
  },
  { name: 'not-a-values-repo', code: 2, args: ['validate'], lines: undefined },
];

for (const c of cases) {
  test(`${c.name}: the launcher and the CLI exit ${c.code} with the same words`, async () => {
    const dir = await repoWith(c.lines);
    const [cli, launcher] = [await run('runlevel', dir, c.args), await run('runlevel-docker', dir, c.args)];
    assert.is(cli.code, c.code, cli.stderr);
    assert.is(launcher.code, c.code, launcher.stderr);
    assert.fixture(launcher.stderr, cli.stderr, 'the launcher says what the CLI says');
    assertGoldenFile(
      'launcher',
      c.name,
      `$ runlevel-docker ${c.args.join(' ')}\nexit ${launcher.code}\n${launcher.stderr}\n`,
    );
  });
}

test('no engine answering is said so (exit 1), never taken for an image that is not here', async () => {
  const dir = await repoWith(['core: "0.1.0"', 'clusters:', '  dev:', '    environment: dev']);
  const r = await run('runlevel-docker', dir, ['deploy', '--cluster', 'dev']);
  assert.is(r.code, ExitCode.unexpected, r.stderr);
  assert.not.match(r.stderr, 'is not here');
  assertGoldenFile(
    'launcher',
    'no-engine',
    `$ runlevel-docker deploy --cluster dev\nexit ${r.code}\n${r.stderr}\n`,
  );
});

test.run();
