// The CLI frame as a user meets it: help, usage errors, environment validation, exit codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveConfig } from '../../../core/cli/config.js';
import { UserError } from '../../../core/shared/errors.js';
import { ExitCode, exitCodeMeaning } from '../../../core/shared/exit-codes.js';
import { runCli } from '../../helpers/cli.js';

test('--help lists the commands, the global flags with their variables, and the exit codes', async () => {
  const r = await runCli(['--help']);
  assert.is(r.code, 0);
  assert.match(r.stdout, 'Usage: runlevel <command>');
  assert.match(r.stdout, /cluster\s+embedded local control plane/);
  assert.match(r.stdout, '[RUNLEVEL_CLUSTER]');
  for (const [code, meaning] of Object.entries(exitCodeMeaning))
    assert.match(r.stdout, `${code.padStart(3)}  ${meaning}`);
});

test('no arguments prints help and exits 2 (usage)', async () => {
  const r = await runCli([]);
  assert.is(r.code, ExitCode.invalid);
  assert.match(r.stdout, 'Usage:');
});

test('an unknown command is a usage error with the list of commands, no stack trace', async () => {
  const r = await runCli(['deplyo']);
  assert.is(r.code, ExitCode.invalid);
  assert.match(r.stderr, '✗ unknown command "deplyo"');
  assert.match(r.stderr, 'hint: one of:');
  assert.not.match(r.stderr, /at .*\.js:\d+/);
});

test('an unknown flag names the flag and exits 2', async () => {
  const r = await runCli(['cluster', 'status', '--no-such-flag']);
  assert.is(r.code, ExitCode.invalid);
  assert.match(r.stderr, "Unknown option '--no-such-flag'");
  assert.match(r.stderr, 'runlevel cluster --help');
});

test('an invalid RUNLEVEL_* variable is reported by name before anything runs', async () => {
  const r = await runCli(['cluster', 'status'], { env: { RUNLEVEL_LOG_FORMAT: 'fancy' } });
  assert.is(r.code, ExitCode.invalid);
  assert.match(r.stderr, 'invalid environment configuration');
  assert.match(r.stderr, 'RUNLEVEL_LOG_FORMAT');
});

test('json log format turns errors into one JSON event on stderr', async () => {
  const r = await runCli(['cluster', 'sideways'], { env: { RUNLEVEL_LOG_FORMAT: 'json' } });
  assert.is(r.code, ExitCode.invalid);
  const event = JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
  assert.is(event.kind, 'error');
  assert.is(event.data.exitCode, 2);
  assert.match(event.message, 'unknown cluster action');
});

test('flags win over RUNLEVEL_* variables, which win over defaults', () => {
  const env = { RUNLEVEL_CLUSTER: 'from-env', RUNLEVEL_OUTPUT: 'json', RUNLEVEL_VALUES_DIR: '/srv/values' };
  const fromEnv = resolveConfig({}, env);
  assert.is(fromEnv.cluster, 'from-env');
  assert.is(fromEnv.output, 'json');
  assert.is(fromEnv.valuesDir, '/srv/values');
  const fromFlags = resolveConfig({ cluster: 'from-flag', output: 'yaml' }, env);
  assert.is(fromFlags.cluster, 'from-flag');
  assert.is(fromFlags.output, 'yaml');
  assert.is(resolveConfig({}, { RUNLEVEL_IN_IMAGE: 'true' }).valuesDir, '/values');
});

test('a bad output format is a UserError with exit code 2', () => {
  try {
    resolveConfig({ output: 'xml' }, {});
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, UserError);
    assert.is((err as UserError).exitCode, ExitCode.invalid);
    assert.match((err as Error).message, '--output xml');
  }
});

test('CI is on for any value a CI sets (woodpecker, 1, true) and off for empty or a false word', () => {
  for (const value of ['woodpecker', 'true', '1', 'gitlab', 'yes'])
    assert.is(resolveConfig({}, { CI: value }).ci, true, `CI=${value}`);
  for (const value of ['', 'false', '0', 'no', 'off', 'FALSE'])
    assert.is(resolveConfig({}, { CI: value }).ci, false, `CI=${value}`);
});

test.run();
