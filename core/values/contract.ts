// The values contract version: which shape of values this core reads. A values repo records the
// version it is written at (`contract:` in runlevel.yaml; absent is 0, the shape before the first
// migration), and a repo at another version is refused before a value is read: one behind is
// migrated with `runlevel migrate` (exit 2), one ahead was migrated by a newer core (exit 7).
// core/migrate/migrations/ holds the migration that brings a repo to each version; a unit test
// checks that the last one's version is this one.
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { problemAt } from './problems.js';
import { type OpenedRepo, repoFileName } from './repo.js';

/** The contract this core reads. Bumped by every migration (core/migrate/migrations/). */
export const contractVersion = 2;

/** The version a repo is written at: runlevel.yaml's `contract`, 0 when absent. */
export function repoContract(repo: Pick<OpenedRepo, 'file'>): number {
  return repo.file.contract ?? 0;
}

/** Refuses a repo whose contract is not this core's: behind (exit 2, migrate it) or ahead (exit 7). */
export function enforceContract(repo: OpenedRepo, core = contractVersion): void {
  const at = repoContract(repo);
  if (at === core) return;
  const o = repo.origins.get('/contract');
  const where = o ?? { file: repoFileName, line: 1, col: 1 };
  const written = o ? `contract: ${at}` : `no contract key (contract 0, before the first migration)`;
  if (at < core) {
    throw new UserError(
      `this values repo is written for values contract ${at}, but this core reads contract ${core}: nothing was read`,
      {
        exitCode: ExitCode.invalid,
        problems: [problemAt(repo.texts, where, written)],
        hint: `run \`runlevel migrate\` (see the changes first with \`runlevel migrate --dry-run\`): it rewrites the values to contract ${core}, keeping every comment, and commits them with the new contract`,
      },
    );
  }
  throw new UserError(
    `this values repo is written for values contract ${at}, newer than this core's contract ${core}: a newer core migrated it`,
    {
      exitCode: ExitCode.pinMismatch,
      problems: [problemAt(repo.texts, where, written)],
      hint: 'run the core that migrated it (move the core pin in runlevel.yaml to it), or revert the migration commit to stay on this core',
    },
  );
}
