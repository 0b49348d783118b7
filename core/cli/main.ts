// parse → options → command → one catch. The only place that calls process.exit.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InterruptedError, isUserError, UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';
import { removeScratchSync, sweepStaleScratch } from '../shared/scratch.js';
import { halt, shutdown } from '../shared/shutdown.js';
import type { Command, Flags, OptionSpec } from './command.js';
import { commands } from './commands/index.js';
import { type GlobalFlags, globalOptions, resolveConfig } from './config.js';
import { commandHelp, mainHelp } from './help.js';

type ParseOptions = NonNullable<ParseArgsConfig['options']>;

const helpOption = { help: { type: 'boolean', short: 'h', help: 'show help' } } as const;

export async function main(argv: string[]): Promise<void> {
  // Temporary files never outlive the process: removed on every exit, and what a killed run
  // left behind is swept before this one starts.
  process.on('exit', removeScratchSync);
  sweepStaleScratch();
  // Tools run in process groups of their own (shared/process-group.ts): a Ctrl-C reaches us alone.
  // The first signal finishes what is in flight and starts nothing new; the second stops what is in
  // flight in a defined way (helm is told to stop and marks its release failed; the record is
  // written, the lock released); a third exits at once (the exit handlers still kill our tools).
  let signal: 'SIGINT' | 'SIGTERM' | undefined;
  let signals = 0;
  const onSignal = (s: 'SIGINT' | 'SIGTERM') => {
    signals++;
    const code = (signal ?? s) === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
    if (signals >= 3) process.exit(code);
    signal ??= s;
    if (signals === 2) {
      log.warn(`${s} received again: stopping what is in flight; once more exits at once`);
      halt.abort(new InterruptedError(signal));
      return;
    }
    log.warn(`${s} received: finishing the step in flight, starting nothing new (again to stop it)`);
    shutdown.abort(new InterruptedError(s));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  let code: number;
  try {
    code = await dispatch(argv);
  } catch (err) {
    code = report(err);
  }
  if (signal && code !== ExitCode.ok) code = signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
  await flushed();
  process.exit(code);
}

async function dispatch(argv: string[]): Promise<number> {
  const name = commandName(argv);
  if (!name || name === 'help') {
    const topic = name === 'help' ? positionalsAfter(argv, 'help')[0] : undefined;
    if (topic && commands[topic]) log.writeData(commandHelp(topic, await commands[topic].load()));
    else log.writeData(mainHelp());
    return argv.length === 0 ? ExitCode.invalid : ExitCode.ok;
  }
  if (name === '--version') return dispatch(['version']);
  const entry = commands[name];
  if (!entry) {
    throw new UserError(`unknown command "${name}"`, {
      hint: `one of: ${Object.keys(commands).join(', ')} (runlevel --help)`,
    });
  }
  const command = await entry.load();
  const specs: Record<string, OptionSpec> = { ...globalOptions, ...command.options, ...helpOption };
  const { values, positionals } = parseFlags(argv, specs, name);
  if (values.help) {
    log.writeData(commandHelp(name, command));
    return ExitCode.ok;
  }
  const config = resolveConfig(values as GlobalFlags);
  log.configure({ format: config.logFormat, color: config.color, verbose: config.verbose });
  // exit 7 unless runlevel.yaml pins this core; of bundle, create alone carries this core's image
  const pinned = name === 'bundle' ? `bundle ${positionals[1] ?? ''}` : name;
  await (await import('./pin.js')).enforcePin(config, pinned, argv);
  const flags = withEnvFallback(values as Flags, command.options ?? {});
  return (await command.run({ config, args: positionals.slice(1), flags })) ?? ExitCode.ok;
}

function parseFlags(argv: string[], specs: Record<string, OptionSpec>, name: string) {
  const options: ParseOptions = {};
  for (const [flag, s] of Object.entries(specs)) {
    options[flag] = {
      type: s.type,
      ...(s.short ? { short: s.short } : {}),
      ...(s.multiple ? { multiple: true } : {}),
    };
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError((err as Error).message.replace(/^.*?: /, ''), {
      hint: `see \`runlevel ${name} --help\``,
    });
  }
}

/** A command's own flags may come from RUNLEVEL_* variables too (global ones are read by resolveConfig). */
function withEnvFallback(values: Flags, specs: Record<string, OptionSpec>): Flags {
  const flags: Flags = { ...values };
  for (const [flag, s] of Object.entries(specs)) {
    const fromEnv = s.env ? process.env[s.env] : undefined;
    if (flags[flag] !== undefined || fromEnv === undefined) continue;
    if (s.type === 'boolean') {
      if (!/^(1|0|true|false|yes|no)$/i.test(fromEnv)) {
        throw new UserError(`${s.env}=${fromEnv} is not a boolean`, { hint: 'use true or false' });
      }
      flags[flag] = /^(1|true|yes)$/i.test(fromEnv);
    } else flags[flag] = s.multiple ? fromEnv.split(',') : fromEnv;
  }
  return flags;
}

/** The first positional that is not the value of a global string flag. */
function commandName(argv: string[]): string | undefined {
  const { tokens } = parseArgs({
    args: argv,
    options: globalOptions,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const t of tokens ?? []) {
    if (t.kind === 'positional') return t.value;
    if (t.kind === 'option' && t.name === 'version') return '--version';
  }
  return undefined;
}

function positionalsAfter(argv: string[], word: string): string[] {
  return argv.slice(argv.indexOf(word) + 1).filter((a) => !a.startsWith('-'));
}

function report(err: unknown): number {
  if (isUserError(err)) {
    log.userError(err);
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  log.fail(`unexpected error: ${e.message}`);
  log.info('this is a bug in runlevel; please report it with the output above and the stack below');
  log.info(e.stack ?? '');
  return ExitCode.unexpected;
}

export type { Command };

/**
 * Resolves once stdout and stderr have written everything. A pipe handed over in non-blocking
 * mode (docker's container output is one) takes what it can and Node queues the rest, which
 * process.exit would drop: `docker run IMAGE template` stopped at 128 KiB.
 */
function flushed(): Promise<unknown> {
  return Promise.all(
    [process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))),
  );
}
