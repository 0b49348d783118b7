// Tools in process groups of their own (core/shared/process-group.ts): a stop reaches the whole
// group (a tool's own children too), and nothing a tool started outlives runlevel, whether it
// exits or is killed outright (the watchdog).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreRoot } from '../../../core/shared/paths.js';
import { childGroupOptions, liveGroups, trackGroup } from '../../../core/shared/process-group.js';

/** Running, and not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 400 && running(pid); i++) await sleep(25);
  return !running(pid);
}

/** First line a child prints: a pid. */
function firstLine(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
    });
    child.on('exit', () => reject(new Error(`exited before printing a pid: ${out}`)));
  });
}

test('a stop reaches the tool and the children it started (its whole group)', async () => {
  const tool = spawn('bash', ['-c', 'sleep 60 & echo $!; wait'], {
    ...childGroupOptions,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const grandchild = await firstLine(tool);
  const stop = new AbortController();
  const group = trackGroup(tool.pid, stop.signal);
  assert.ok(liveGroups().includes(tool.pid ?? 0));
  const exited = new Promise((resolve) => tool.on('exit', resolve));
  stop.abort();
  await exited;
  group.done(false);
  assert.ok(group.stopped());
  assert.ok(await gone(grandchild), 'the tool child outlived the stop');
  assert.not.ok(liveGroups().includes(tool.pid ?? 0));
});

const script = (then: string) => `
  import { spawn } from 'node:child_process';
  import { childGroupOptions, trackGroup } from ${JSON.stringify(join(coreRoot, 'dist/core/shared/process-group.js'))};
  const tool = spawn('sleep', ['60'], { ...childGroupOptions, stdio: 'ignore' });
  trackGroup(tool.pid, new AbortController().signal);
  process.stdout.write(String(tool.pid) + '\\n'); // console.log colours a number under FORCE_COLOR
  ${then}
`;

test('runlevel killed outright (SIGKILL): the watchdog kills the tool it left behind', async () => {
  const runlevel = spawn(
    process.execPath,
    ['--input-type=module', '-e', script('setInterval(() => {}, 1000);')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const tool = await firstLine(runlevel);
  assert.ok(running(tool));
  runlevel.kill('SIGKILL');
  assert.ok(await gone(tool), 'the tool outlived a killed runlevel');
});

test('runlevel exiting with a tool still running kills it', async () => {
  const runlevel = spawn(
    process.execPath,
    ['--input-type=module', '-e', script('setTimeout(() => process.exit(3), 100);')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const tool = await firstLine(runlevel);
  await new Promise((resolve) => runlevel.on('exit', resolve));
  assert.ok(await gone(tool), 'the tool outlived runlevel');
});

test.run();
