import { exitCodeMeaning } from '../shared/exit-codes.js';
import type { Command } from './command.js';
import { commands } from './commands/index.js';
import { globalOptions } from './config.js';

type Options = Record<string, { short?: string; env?: string; help: string; type: string }>;

function optionLines(options: Options): string[] {
  return Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' VALUE' : ''}`;
    return `  ${flag.padEnd(30)} ${o.help}${o.env ? `  [${o.env}]` : ''}`;
  });
}

export function mainHelp(): string {
  const verbs = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  const codes = Object.entries(exitCodeMeaning).map(([code, meaning]) => `  ${code.padStart(3)}  ${meaning}`);
  return [
    'runlevel: a versioned Kubernetes platform core. Layered values in; validated, rendered,',
    'checked and deployed runlevel by runlevel.',
    '',
    'Usage: runlevel <command> [flags]',
    '',
    'Commands:',
    ...verbs,
    '',
    'Global flags (each also read from the environment variable shown):',
    ...optionLines(globalOptions),
    '',
    'Environment:',
    '  RUNLEVEL_CORE_ROOT             read charts/, helmfile.d/, schemas/, policies/ from this copy of the',
    '                                 core instead of the installed one (docs/charts.md)',
    '',
    'Exit codes:',
    ...codes,
    '',
    'Run `runlevel <command> --help` for a command’s own flags.',
  ].join('\n');
}

export function commandHelp(name: string, command: Command): string {
  const own = command.options ? ['', 'Flags:', ...optionLines(command.options as Options)] : [];
  return [`runlevel ${name}: ${command.summary}`, '', `Usage: ${command.usage}`, ...own].join('\n');
}
