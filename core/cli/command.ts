import type { ExitCode } from '../shared/exit-codes.js';
import type { ResolvedConfig } from './config.js';
import type { ClusterConnection } from './pipeline.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  env?: string; // RUNLEVEL_* variable that supplies it when the flag is absent
  help: string;
}

export type Flags = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  config: ResolvedConfig;
  args: string[]; // positionals after the command name
  flags: Flags;
  /** A connection the caller holds for its life (the sync agent's one helm); else the command makes one. */
  connection?: ClusterConnection;
}

/** One user-facing verb. A command turns flags into options and calls the stages; it never exits. */
export interface Command {
  summary: string;
  usage: string;
  options?: Record<string, OptionSpec>;
  /** Sub-commands such as `cluster up`; then `run` receives the sub-command in args[0]. */
  run(ctx: CommandContext): Promise<ExitCode | undefined | void>;
}
