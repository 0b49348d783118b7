// helm's post-renderer answered by the core over the helm engine's own channel (the real engine
// binary): helm hands each release's manifest (hooks excepted) to that request's function, many
// releases asking at once get their own answers, a failing function fails its release alone with
// its message, and an engine whose core went away (stdin closed) fails the question and exits.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startHelmEngine } from '../../../core/shared/helm-engine.js';
import { coreRoot } from '../../../core/shared/paths.js';
import { findTool } from '../../../core/shared/tools.js';
import { testCharts } from '../../helpers/upstream-runlevel.js';

const web = (name: string) => ({
  name,
  namespace: 'team-a',
  chartDir: join(coreRoot, 'test/fixtures/charts/hello-web'),
  values: {},
});

test('helm hands the manifest without its hooks to the function; what it returns is the release', async () => {
  const engine = startHelmEngine();
  try {
    const plain = await engine.template({ ...web('mi'), chartDir: join(testCharts, 'mirror-images') });
    assert.ok(plain.ok);
    const seen: string[] = [];
    const r = await engine.template({
      ...web('mi'),
      chartDir: join(testCharts, 'mirror-images'),
      postRender: (m) => {
        seen.push(m);
        return m.replaceAll('docker.io/library/nginx', 'mirror.test/nginx');
      },
    });
    assert.ok(r.ok, r.ok ? '' : r.stderr);
    assert.is(seen.length, 1, 'asked once');
    assert.match(seen[0] ?? '', '# Source: mirror-images/templates/deployment.yaml');
    assert.not.match(seen[0] ?? '', 'migrate-hook.yaml', 'a hook is not post-rendered');
    if (r.ok && plain.ok) {
      assert.is(r.manifest, plain.manifest.replaceAll('docker.io/library/nginx', 'mirror.test/nginx'));
      assert.match(r.manifest, '# Source: mirror-images/templates/migrate-hook.yaml', 'hooks still printed');
    }
  } finally {
    await engine.stop();
  }
});

test('releases asking at once each get their own answer', async () => {
  const engine = startHelmEngine();
  try {
    const names = Array.from({ length: 24 }, (_, i) => `app-${i}`);
    const calls = new Map<string, number>();
    const results = await Promise.all(
      names.map((name) =>
        engine.template({
          ...web(name),
          postRender: (m) => {
            calls.set(name, (calls.get(name) ?? 0) + 1);
            assert.match(
              m,
              `app.kubernetes.io/instance: ${name}\n`,
              'the question carries this release’s manifest',
            );
            return `${m}# post-rendered for ${name}\n`;
          },
        }),
      ),
    );
    for (const [i, r] of results.entries()) {
      const name = names[i] ?? '';
      assert.ok(r.ok, r.ok ? '' : r.stderr);
      if (!r.ok) continue;
      assert.match(r.manifest, `# post-rendered for ${name}\n`);
      assert.is(r.manifest.match(/# post-rendered for /g)?.length, 1, 'no other release’s answer');
      assert.is(calls.get(name), 1);
    }
  } finally {
    await engine.stop();
  }
});

test('a failing post-render fails its release alone, with its message; the engine goes on', async () => {
  const engine = startHelmEngine();
  try {
    const [bad, good] = await Promise.all([
      engine.template({
        ...web('bad'),
        postRender: () => {
          throw new Error('digest missing for ghcr.io/example/hello-web');
        },
      }),
      engine.template({ ...web('good'), postRender: (m) => m }),
    ]);
    assert.is(bad.ok, false);
    if (!bad.ok) {
      assert.match(bad.stderr, 'error while running post render on files');
      assert.match(
        bad.stderr,
        'the post-render of release bad failed: digest missing for ghcr.io/example/hello-web',
      );
    }
    assert.ok(good.ok);
    assert.ok((await engine.template(web('after'))).ok);
  } finally {
    await engine.stop();
  }
});

test('the core gone (stdin closed) while helm waits for the answer: the release fails, the engine exits', async () => {
  const bin = findTool('helm-engine');
  assert.ok(bin, 'helm-engine is built (make tools)');
  const child = spawn(bin, [], { cwd: coreRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  const question = new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        lines.push(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        if (lines.at(-1)?.includes('"postRender"')) resolve();
      }
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const { chartDir, name, namespace } = web('orphan');
  child.stdin.write(
    `${JSON.stringify({ id: 7, op: 'template', name, namespace, chart: chartDir, postRender: true })}\n`,
  );
  await question;
  const asked = JSON.parse(lines[0] ?? '{}') as { postRender?: { request: number; release: string } };
  assert.equal(
    { request: asked.postRender?.request, release: asked.postRender?.release },
    { request: 7, release: 'orphan' },
  );
  child.stdin.end(); // never answered: as if the core died
  // A hang here is the failure this test is for; the guard only turns it into a failed test.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await exited;
  clearTimeout(guard);
  assert.is(code, 0, 'the engine ended by itself');
  const answer = JSON.parse(lines[1] ?? '{}') as { id?: number; ok?: boolean; error?: string };
  assert.is(answer.id, 7);
  assert.is(answer.ok, false);
  assert.match(answer.error ?? '', 'the core closed the engine');
});

test.run();
