// A migrated *.sops.yaml file is re-encrypted by sops itself, change by change (`sops set` and
// `sops unset` on the ciphertext): the data key and recipients stay, and every value the migration
// did not touch keeps its ciphertext byte for byte. The plaintext only ever goes to sops on stdin.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import type { AgeKeys } from '../values/secrets.js';

type Tree = unknown;
export type SopsOp =
  | { kind: 'set'; path: (string | number)[]; value: Tree }
  | { kind: 'unset'; path: string[] };

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The changes from one decrypted tree to the other, as sops set/unset: sets first, so a parent is not emptied on the way. */
export function sopsOps(before: Tree, after: Tree, path: string[] = []): SopsOp[] {
  if (isObject(before) && isObject(after)) {
    const sets: SopsOp[] = [];
    const unsets: SopsOp[] = [];
    for (const [k, v] of Object.entries(after)) {
      if (Object.hasOwn(before, k)) sets.push(...sopsOps(before[k], v, [...path, k]));
      else sets.push({ kind: 'set', path: [...path, k], value: v });
    }
    for (const k of Object.keys(before))
      if (!Object.hasOwn(after, k)) unsets.push({ kind: 'unset', path: [...path, k] });
    return [...sets, ...unsets];
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ kind: 'set', path, value: after }];
}

/** sops's index syntax: ["platform"]["sso"]. */
export function sopsIndex(path: readonly (string | number)[]): string {
  return path.map((k) => `[${JSON.stringify(k)}]`).join('');
}

/**
 * Applies the ops to `file` (a copy of the ciphertext in `dir`, never the repo's own) and returns
 * the new ciphertext. `repoFile` names it in errors and picks the key.
 */
export async function reencrypt(
  dir: string,
  file: string,
  repoFile: string,
  ops: readonly SopsOp[],
  keys: AgeKeys,
): Promise<string> {
  const { run } = await import('../shared/exec.js');
  const path = join(dir, file);
  const { env } = await keys.sopsEnv(repoFile, await readFile(path, 'utf8'));
  for (const op of ops) {
    if (op.path.length === 0)
      throw new UserError(`cannot migrate ${repoFile}: its whole content would change`);
    const args =
      op.kind === 'set'
        ? ['set', '--input-type', 'yaml', '--output-type', 'yaml', '--value-stdin', path, sopsIndex(op.path)]
        : ['unset', '--input-type', 'yaml', '--output-type', 'yaml', path, sopsIndex(op.path)];
    const r = await run('sops', args, {
      input: op.kind === 'set' ? JSON.stringify(op.value) : '',
      env: { SOPS_DISABLE_VERSION_CHECK: '1', ...env },
      reject: false,
      timeoutMs: 60_000,
      exitCode: ExitCode.invalid,
    });
    if (r.failed) {
      // sops's message names a path, never a value.
      const why =
        String(r.stderr ?? '')
          .trim()
          .split('\n')[0] ?? 'sops failed';
      throw new UserError(
        `cannot migrate ${repoFile}: sops ${op.kind} ${sopsIndex(op.path)} failed: ${why}`,
        {
          hint: 'check that the age key decrypts this file (runlevel validate), then run runlevel migrate again',
        },
      );
    }
  }
  return readFile(path, 'utf8');
}
