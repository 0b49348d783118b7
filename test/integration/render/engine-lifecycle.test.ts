// The helm engine's life: started by the first request, a crash fails what is in flight as a tool
// failure with the engine's stderr, the next request starts a new one, stop ends it.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ToolError } from '../../../core/shared/errors.js';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { startHelmEngine } from '../../../core/shared/helm-engine.js';
import { coreRoot } from '../../../core/shared/paths.js';

const web = {
  name: 'web',
  namespace: 'team-a',
  chartDir: join(coreRoot, 'test/fixtures/charts/hello-web'),
  values: {},
};

test('a crash fails the request in flight as a tool failure; the next request starts a new engine', async () => {
  const engine = startHelmEngine();
  assert.is(engine.pid, undefined);
  assert.ok((await engine.template(web)).ok);
  const first = engine.pid;
  assert.type(first, 'number');
  // Stopped, the engine cannot answer: the request is surely in flight when it is killed.
  process.kill(first as number, 'SIGSTOP');
  const inFlight = engine.template(web);
  process.kill(first as number, 'SIGKILL');
  const err = await inFlight.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(err, ToolError);
  assert.match((err as ToolError).message, /the helm engine was killed by SIGKILL/);
  assert.is((err as ToolError).exitCode, ExitCode.renderFailed);
  assert.ok((await engine.template(web)).ok);
  assert.is.not(engine.pid, first);
  await engine.stop();
  assert.is(engine.pid, undefined);
});

test('stop lets the requests in flight finish', async () => {
  const engine = startHelmEngine();
  const pending = Promise.all([engine.template(web), engine.template(web), engine.stats()]);
  await engine.stop();
  const [a, b, stats] = await pending;
  assert.ok(a.ok && b.ok);
  assert.ok(stats.renders >= 0);
});

test("an unknown chart directory is the request's failure, not the engine's", async () => {
  const engine = startHelmEngine();
  const r = await engine.template({ ...web, chartDir: join(coreRoot, 'charts/does-not-exist') });
  assert.is(r.ok, false);
  if (!r.ok) assert.match(r.stderr, /does-not-exist/);
  assert.ok((await engine.template(web)).ok);
  await engine.stop();
});

test.run();
