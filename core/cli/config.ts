// Global settings: a flag wins over its RUNLEVEL_* environment variable, which wins over the default.
// The environment is validated with envalid so a container misconfiguration fails with a clear message.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { bool, cleanEnv, str } from 'envalid';
import { UserError } from '../shared/errors.js';
import { type LogFormat, LogFormats } from '../shared/log.js';
import { coreRoot, installRoot } from '../shared/paths.js';

export const OutputFormats = ['text', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OutputFormats)[number];

/** Read-only settings every command sees, after flags, environment and defaults are applied. */
export interface ResolvedConfig {
  readonly valuesDir: string;
  readonly cluster: string | undefined;
  readonly ageKeyFile: string | undefined;
  readonly logFormat: LogFormat;
  readonly output: OutputFormat;
  readonly color: boolean;
  readonly verbose: boolean;
  readonly ci: boolean;
  readonly stateDir: string;
  /** A kubeconfig file the user named (--kubeconfig, RUNLEVEL_KUBECONFIG); else KUBECONFIG applies. */
  readonly kubeconfig: string | undefined;
  /** The sync agent's deploys only: the image its own Deployment runs now (core/sync/agent-image.ts). */
  readonly liveAgentImage?: string;
}

/** The global flags as parsed (all optional: the user-facing, partial shape). */
export interface GlobalFlags {
  values?: string;
  cluster?: string;
  'age-key-file'?: string;
  'log-format'?: string;
  output?: string;
  verbose?: boolean;
  'no-color'?: boolean;
  'state-dir'?: string;
  kubeconfig?: string;
}

export const globalOptions = {
  values: { type: 'string', env: 'RUNLEVEL_VALUES_DIR', help: 'values repo directory' },
  cluster: { type: 'string', env: 'RUNLEVEL_CLUSTER', help: 'cluster name from runlevel.yaml' },
  'age-key-file': { type: 'string', env: 'RUNLEVEL_AGE_KEY_FILE', help: 'age key that decrypts *.sops.yaml' },
  'log-format': { type: 'string', env: 'RUNLEVEL_LOG_FORMAT', help: 'auto | tty | plain | json' },
  output: { type: 'string', short: 'o', env: 'RUNLEVEL_OUTPUT', help: 'text | json | yaml' },
  verbose: { type: 'boolean', short: 'v', env: 'RUNLEVEL_VERBOSE', help: 'debug output' },
  'no-color': { type: 'boolean', env: 'NO_COLOR', help: 'no colours' },
  'state-dir': { type: 'string', env: 'RUNLEVEL_STATE_DIR', help: 'local cluster state directory' },
  kubeconfig: { type: 'string', env: 'RUNLEVEL_KUBECONFIG', help: 'kubeconfig (else KUBECONFIG)' },
} as const;

export function resolveConfig(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const e = cleanEnv(
    env,
    {
      RUNLEVEL_VALUES_DIR: str({ default: '' }),
      RUNLEVEL_IN_IMAGE: bool({ default: false }),
      RUNLEVEL_CLUSTER: str({ default: '' }),
      RUNLEVEL_AGE_KEY_FILE: str({ default: '' }),
      RUNLEVEL_LOG_FORMAT: str({ choices: ['auto', ...LogFormats], default: 'auto' }),
      RUNLEVEL_OUTPUT: str({ choices: [...OutputFormats], default: 'text' }),
      RUNLEVEL_VERBOSE: bool({ default: false }),
      NO_COLOR: str({ default: '' }),
      // Every CI sets CI, each to its own value (true, 1, woodpecker, …): any value but a false one means CI.
      CI: str({ default: '' }),
      RUNLEVEL_STATE_DIR: str({ default: '' }),
      RUNLEVEL_KUBECONFIG: str({ default: '' }),
      RUNLEVEL_CORE_ROOT: str({ default: '' }),
    },
    { reporter: envReporter },
  );

  // Read once at start-up by shared/paths.ts; a wrong one would fail later with a missing file.
  if (e.RUNLEVEL_CORE_ROOT && !existsSync(resolve(coreRoot, 'helmfile.d'))) {
    throw new UserError(
      `RUNLEVEL_CORE_ROOT=${e.RUNLEVEL_CORE_ROOT} is not a copy of the core: it has no helmfile.d/`,
      {
        hint: 'point it at a directory with the core’s charts/, helmfile.d/, schemas/ and policies/ (docs/charts.md), or unset it',
      },
    );
  }
  const ci = !/^(|0|false|no|off)$/i.test(e.CI.trim());
  const logFormatRaw = flags['log-format'] ?? e.RUNLEVEL_LOG_FORMAT;
  if (logFormatRaw !== 'auto' && !LogFormats.includes(logFormatRaw as LogFormat)) {
    throw new UserError(`--log-format ${logFormatRaw} is not one of auto, ${LogFormats.join(', ')}`);
  }
  const output = flags.output ?? e.RUNLEVEL_OUTPUT;
  if (!OutputFormats.includes(output as OutputFormat)) {
    throw new UserError(`--output ${output} is not one of ${OutputFormats.join(', ')}`);
  }
  const logFormat: LogFormat =
    logFormatRaw === 'auto'
      ? output === 'json'
        ? 'json'
        : process.stderr.isTTY && !ci
          ? 'tty'
          : 'plain'
      : (logFormatRaw as LogFormat);

  const valuesDir = flags.values ?? (e.RUNLEVEL_VALUES_DIR || (e.RUNLEVEL_IN_IMAGE ? '/values' : '.'));
  // Only a file the user named: a KUBECONFIG list is merged by loadKubeConfig (and read by helm itself).
  const kubeconfig = flags.kubeconfig ?? (e.RUNLEVEL_KUBECONFIG || undefined);
  // SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and the key directory are places of their own (values/age-keys.ts).
  const ageKeyFile = flags['age-key-file'] ?? (e.RUNLEVEL_AGE_KEY_FILE || undefined);
  return {
    valuesDir: resolve(valuesDir),
    cluster: flags.cluster ?? (e.RUNLEVEL_CLUSTER || undefined),
    ageKeyFile: ageKeyFile ? resolve(ageKeyFile) : undefined,
    logFormat,
    output: output as OutputFormat,
    color: !(flags['no-color'] ?? e.NO_COLOR !== ''),
    verbose: flags.verbose ?? e.RUNLEVEL_VERBOSE,
    ci,
    stateDir: resolve(flags['state-dir'] ?? (e.RUNLEVEL_STATE_DIR || defaultStateDir())),
    kubeconfig: kubeconfig ? resolve(kubeconfig) : undefined,
  };
}

/** Inside a checkout the local cluster lives in it (git-ignored); elsewhere under the user's home. */
function defaultStateDir(): string {
  return existsSync(resolve(installRoot, '.git'))
    ? resolve(installRoot, '.runlevel')
    : resolve(process.env.HOME ?? '/tmp', '.runlevel');
}

function envReporter({ errors }: { errors: Partial<Record<string, Error>> }): void {
  const names = Object.keys(errors);
  if (names.length === 0) return;
  throw new UserError('invalid environment configuration', {
    problems: names.map((name) => ({ message: `${name}: ${errors[name]?.message ?? 'invalid'}` })),
    hint: 'fix or unset these variables; `runlevel --help` lists them',
  });
}
