// The bad-input corpus's case shape and runner, shared by the corpus (test/integration/values/
// bad-input.test.ts) and the cases that need root's file powers dropped (*.unprivileged.test.ts,
// which the private-clone self-check runs again from a clone inside a 0700 directory).

import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CliResult } from './cli.js';
import {
  assertCleanFailure,
  assertNoPlaintext,
  cli,
  removeSandbox,
  type Sandbox,
  sandbox,
  valuesRepo,
} from './values-harness.js';

export interface Case {
  files?: Record<string, string | Buffer | null>;
  args?: string[];
  env?: Record<string, string>;
  /** Runs after the repo is written; may return more env for the CLI (a path it made). */
  prepare?: (repo: string, sb: Sandbox) => undefined | Record<string, string> | void;
  /** Run without root's power to read any file (test/helpers/unprivileged.ts): for a 0000 file. */
  unprivileged?: boolean;
  code: number;
  /** The place named first: `file:line:col`, or the flag at fault. A RegExp where a column varies. */
  where: string | RegExp;
  message: string | RegExp;
  /** More that must be said (a hint, a second place). */
  also?: (string | RegExp)[];
  /** The case writes a plaintext secret into the repo itself: only the output and HOME are scanned. */
  secretInRepo?: boolean;
}

/** One uvu test per case, in a shared sandbox (HOME, TMPDIR, age key). */
export function runCorpus(cases: Record<string, Case>): void {
  let sb: Sandbox;
  test.before(async () => {
    sb = await sandbox();
  });
  test.after(() => removeSandbox(sb));
  for (const [name, c] of Object.entries(cases)) {
    test(`bad input: ${name}`, async () => {
      const repo = await valuesRepo(sb, c.files);
      const extra = c.prepare?.(repo, sb) ?? {};
      const args = c.args ?? ['validate'];
      const r = await cli(sb, repo, args, { ...c.env, ...extra }, c.unprivileged);
      if (c.code === 0) {
        assert.is(r.code, 0, r.stderr);
        assertNoTrace(r);
      } else assertCleanFailure(r, c.code);
      assertNoPlaintext(r, ...(c.secretInRepo ? [] : [repo]), sb.home);
      assertSays(r, c);
    });
  }
}

/** The first place named is the case's, followed by the message; `also` says the rest. */
function assertSays(r: CliResult, c: Case): void {
  const text = r.stderr;
  if (typeof c.where === 'string' && /^(--|RUNLEVEL_)/.test(c.where)) {
    assert.ok(text.startsWith(`✗ ${c.where}`), `no "${c.where}" error in:\n${text.slice(0, 3000)}`);
  } else if (c.where !== '') {
    const first = /^(?:⚠ )?([^\s:]+:\d+:\d+) {2}/m.exec(text)?.[1];
    assert.ok(first, `no file:line:col in:\n${text.slice(0, 3000)}`);
    if (typeof c.where === 'string') assert.is(first, c.where, text.slice(0, 3000));
    else assert.match(first, c.where);
  }
  for (const want of [c.message, ...(c.also ?? [])]) {
    if (typeof want === 'string') assert.ok(text.includes(want), `"${want}" not in:\n${text.slice(0, 3000)}`);
    else assert.match(text, want);
  }
  assert.ok(text.length < 20_000, `stderr is ${text.length} characters`);
}

function assertNoTrace(r: CliResult): void {
  assert.ok(!/\n\s+at .+:\d+:\d+\)?\n/.test(r.stderr), `stack trace in stderr:\n${r.stderr}`);
  assert.ok(!r.stderr.includes('this is a bug'), r.stderr);
}

export function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}
