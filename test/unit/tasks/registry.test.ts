// The task registry and runner with fake task functions: lookup, header lists, retries with
// backoff, timeouts and interrupts. The real tasks run against a real cluster in test/e2e/tasks.
import { KubeConfig } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InterruptedError, UserError } from '../../../core/shared/errors.js';
import { ExitCode } from '../../../core/shared/exit-codes.js';
import { getTask, listTasks, parseTaskList, runTask } from '../../../core/tasks/index.js';
import type { Task, TaskContext, TaskResult } from '../../../core/tasks/types.js';
import { runCli } from '../../helpers/cli.js';
import { resolvedValues } from '../../helpers/resolved-values.js';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });

function context(signal = new AbortController().signal, args: string[] = []): TaskContext {
  return { kc: new KubeConfig(), values: resolvedValues(), cluster: 'dev', signal, args };
}

/** A fake task whose attempts follow a script: an error to throw, or a result. */
function scripted(steps: Array<Error | TaskResult>, extra: Partial<Task> = {}) {
  const calls: { at: number; ctx: TaskContext }[] = [];
  const task: Task = {
    name: 'fake',
    description: 'a fake task',
    async run(ctx) {
      calls.push({ at: Date.now(), ctx });
      const step = steps[Math.min(calls.length - 1, steps.length - 1)];
      if (step instanceof Error) throw step;
      return step ?? { changed: [] };
    },
    ...extra,
  };
  return { task, calls };
}

async function rejection(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (err) {
    return err as UserError;
  }
  throw new Error('expected a rejection');
}

test('listTasks: the closed set, each with a description', () => {
  const names = listTasks().map((t) => t.name);
  assert.equal(names.sort(), [
    'copy-platform-ca',
    'copy-pull-secret',
    'label-policy-exceptions',
    'team-credentials',
    'wait-crds',
  ]);
  for (const t of listTasks()) assert.ok(t.description.length > 10, t.name);
});

test('getTask: an unknown name is a UserError with "did you mean" and the known names', () => {
  const err = (() => {
    try {
      getTask('copy-platfrom-ca');
    } catch (e) {
      return e as UserError;
    }
  })();
  assert.instance(err, UserError);
  assert.is(err?.exitCode, ExitCode.invalid);
  assert.match(err?.message ?? '', 'unknown task "copy-platfrom-ca"; did you mean copy-platform-ca?');
  assert.match(err?.hint ?? '', 'known tasks: wait-crds, copy-platform-ca');
});

test('getTask: a name far from every task has no guess, only the list', () => {
  try {
    getTask('frobnicate');
    assert.unreachable();
  } catch (e) {
    assert.not.match((e as Error).message, 'did you mean');
    assert.match((e as UserError).hint ?? '', 'label-policy-exceptions');
  }
});

test('parseTaskList: names, arguments in parentheses, unknown names and garbage rejected', () => {
  assert.equal(parseTaskList('wait-crds(a.example.com,b.example.com),copy-platform-ca'), [
    { name: 'wait-crds', args: ['a.example.com', 'b.example.com'] },
    { name: 'copy-platform-ca', args: [] },
  ]);
  assert.equal(parseTaskList('team-credentials'), [{ name: 'team-credentials', args: [] }]);
  assert.throws(() => parseTaskList('team-credentails'), /did you mean team-credentials/);
  assert.throws(() => parseTaskList('wait-crds(a'), /cannot read the task list/);
  assert.throws(() => parseTaskList('wait-crds,,copy-platform-ca'), /cannot read the task list/);
});

test('runTask: a first success returns the result; the task gets its args and a live signal', async () => {
  const { task, calls } = scripted([{ changed: ['created x'] }]);
  const result = await runTask(task, context(undefined, ['a']));
  assert.equal(result, { changed: ['created x'] });
  assert.is(calls.length, 1);
  assert.equal(calls[0]?.ctx.args, ['a']);
  assert.is(calls[0]?.ctx.signal.aborted, false);
});

test('runTask: transient failures are retried with doubling backoff, then succeed', async () => {
  const { task, calls } = scripted([refused(), refused(), { changed: [] }]);
  await runTask(task, context(), { backoffMs: 40 });
  assert.is(calls.length, 3);
  const gaps = calls.slice(1).map((c, i) => c.at - (calls[i]?.at ?? 0));
  assert.ok((gaps[0] ?? 0) >= 35, `first pause ${gaps[0]}ms`);
  assert.ok((gaps[1] ?? 0) >= 75, `second pause ${gaps[1]}ms, doubled`);
});

test('runTask: all attempts failing transiently is a deploy failure naming the task and last error', async () => {
  const { task, calls } = scripted([refused()]);
  const err = await rejection(runTask(task, context(), { backoffMs: 1 }));
  assert.is(calls.length, 3, 'default attempts');
  assert.instance(err, UserError);
  assert.is(err.exitCode, ExitCode.deployFailed);
  assert.is(err.message, 'task fake failed after 3 attempts: connect ECONNREFUSED 127.0.0.1:6443');
  assert.match(err.hint ?? '', 'API server');
});

test("runTask: the task's own attempts setting wins over the default", async () => {
  const { task, calls } = scripted([refused()], { attempts: 5 });
  await rejection(runTask(task, context(), { backoffMs: 1 }));
  assert.is(calls.length, 5);
});

test('runTask: a non-transient failure is not retried; a UserError keeps its hint and problems', async () => {
  const own = new UserError('Secret x is missing', { hint: 'create it', problems: [{ message: 'x' }] });
  const { task, calls } = scripted([own, { changed: [] }]);
  const err = await rejection(runTask(task, context(), { backoffMs: 1 }));
  assert.is(calls.length, 1);
  assert.is(err.exitCode, ExitCode.deployFailed);
  assert.is(err.message, 'task fake failed: Secret x is missing');
  assert.is(err.hint, 'create it');
  assert.equal(err.problems, [{ message: 'x' }]);
});

test('runTask: a task that ignores its signal is abandoned at the timeout (plus grace), not retried', async () => {
  let runs = 0;
  let seen: AbortSignal | undefined;
  const task: Task = {
    name: 'stuck',
    description: 'never returns',
    run: (ctx) => {
      runs++;
      seen = ctx.signal;
      return new Promise<TaskResult>(() => {});
    },
  };
  const started = Date.now();
  const err = await rejection(runTask(task, context(), { timeoutMs: 80, graceMs: 20, backoffMs: 1 }));
  const took = Date.now() - started;
  assert.is(runs, 1);
  assert.ok(took >= 80 && took < 1_000, `took ${took}ms`);
  assert.is(seen?.aborted, true, 'the task was told to stop');
  assert.is(err.exitCode, ExitCode.deployFailed);
  assert.is(err.message, 'task stuck failed: timed out after 80ms');
});

test('runTask: a task that stops on its signal with its own error keeps that error', async () => {
  const task: Task = {
    name: 'waiter',
    description: 'waits for the signal',
    timeoutMs: 50,
    run: (ctx) =>
      new Promise((_, reject) => {
        ctx.signal.addEventListener('abort', () => reject(new UserError('2 CRD(s) not Established: a, b')));
      }),
  };
  const err = await rejection(runTask(task, context()));
  assert.is(err.message, 'task waiter failed: 2 CRD(s) not Established: a, b');
});

test('runTask: an interrupt aborts the task and rethrows the interrupt, without retrying', async () => {
  const outer = new AbortController();
  let runs = 0;
  const task: Task = {
    name: 'slow',
    description: 'slow',
    run: (ctx) => {
      runs++;
      return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(refused())));
    },
  };
  setTimeout(() => outer.abort(new InterruptedError('SIGINT')), 30);
  const err = await rejection(runTask(task, context(outer.signal), { backoffMs: 1 }));
  assert.instance(err, InterruptedError);
  assert.is(err.exitCode, ExitCode.interrupted);
  assert.is(runs, 1);
});

test('runTask: an already aborted signal does not start the task', async () => {
  const outer = new AbortController();
  outer.abort(new InterruptedError('SIGTERM'));
  const { task, calls } = scripted([{ changed: [] }]);
  const err = await rejection(runTask(task, context(outer.signal)));
  assert.is(err.exitCode, ExitCode.terminated);
  assert.is(calls.length, 0);
});

test('a real task against an API server that refuses connections: retried, then exit 5', async () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'gone', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'u', token: 'secret-token-value' }],
    contexts: [{ name: 'gone', cluster: 'gone', user: 'u' }],
    currentContext: 'gone',
  });
  const values = resolvedValues({ teams: { web: {} } });
  const started = Date.now();
  const err = await rejection(
    runTask(getTask('label-policy-exceptions'), { ...context(), kc, values }, { backoffMs: 30 }),
  );
  assert.ok(Date.now() - started >= 90, 'two pauses: 30 ms, then 60 ms');
  assert.is(err.exitCode, ExitCode.deployFailed);
  assert.match(err.message, /^task label-policy-exceptions failed after 3 attempts: .*ECONNREFUSED/);
  assert.not.match(err.message, 'secret-token-value');
});

test('runlevel task --list prints every task with its description (stdout)', async () => {
  const r = await runCli(['task', '--list']);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  for (const t of listTasks())
    assert.ok(
      lines.some((l) => l.startsWith(`${t.name} `) && l.endsWith(`  ${t.description}`)),
      t.name,
    );
  const json = JSON.parse((await runCli(['task', '--list', '-o', 'json'])).stdout);
  assert.is(json.length, listTasks().length);
});

test('runlevel task with a typo exits 2 with a suggestion, before reading any values', async () => {
  const r = await runCli(['task', 'wait-crd', '--values', '/nonexistent']);
  assert.is(r.code, ExitCode.invalid);
  assert.match(r.stderr, '✗ unknown task "wait-crd"; did you mean wait-crds?');
  assert.match(r.stderr, 'hint: known tasks:');
});

test.run();
