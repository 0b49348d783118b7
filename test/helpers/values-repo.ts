// A real values repo made by `runlevel init`, for tests that deploy the platform.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { encrypt } from '../../core/values/secrets.js';
import { runCli } from './cli.js';
import { fixture } from './fixture.js';

export interface ValuesRepo {
  dir: string;
  cluster: string;
  /** Read, change and write one YAML file of the repo (comments are not kept). */
  // biome-ignore lint/suspicious/noExplicitAny: tests reach into YAML documents of any shape
  edit(file: string, change: (doc: Record<string, any>) => void): Promise<void>;
  /** Write one sops file of the repo, encrypted to the repo's own key (as `runlevel init` does). */
  writeSecrets(file: string, doc: Record<string, unknown>): Promise<void>;
  remove(): Promise<void>;
}

export async function initValuesRepo(cluster = 'dev'): Promise<ValuesRepo> {
  const parent = await fixture({}, 'runlevel-values-');
  const dir = join(parent, `values-${Math.random().toString(36).slice(2, 8)}`);
  const r = await runCli(['init', dir, '--cluster', cluster, '--domain', `${cluster}.example.com`]);
  if (r.code !== 0) throw new Error(`runlevel init failed:\n${r.stderr}`);
  return {
    dir,
    cluster,
    async edit(file, change) {
      const path = join(dir, file);
      const doc = (parse(await readFile(path, 'utf8')) ?? {}) as Record<string, never>;
      change(doc);
      await writeFile(path, stringify(doc));
    },
    async writeSecrets(file, doc) {
      await writeFile(join(dir, file), await encrypt(dir, file, stringify(doc)));
    },
    async remove() {
      await rm(parent, { recursive: true, force: true });
      await rm(join(homedir(), '.config/runlevel/age', `${basename(dir)}.key`), { force: true });
    },
  };
}

/**
 * The values-template example exactly as `runlevel init` writes it, at WORK/example with its age
 * key at `ageKeyFile`: the input of the golden tests.
 */
export async function initExample(work: string, ageKeyFile: string): Promise<string> {
  const repo = join(work, 'example');
  const args = [
    'init',
    repo,
    '--cluster',
    'dev',
    '--domain',
    'dev.example.com',
    '--age-key-file',
    ageKeyFile,
  ];
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`runlevel init failed:\n${r.stderr}`);
  return repo;
}
