// Writing a migration into the values repo and committing it (simple-git): the migrated files and
// runlevel.yaml's new contract in one commit, so the contract can never lag behind the files.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { simpleGit } from 'simple-git';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { workTreeOf } from '../shared/work-tree.js';
import { editorSchemaDir, editorSchemas } from '../values/init/editor-schemas.js';
import { validators } from '../values/validate.js';
import type { MigrationPlan } from './index.js';

export interface Written {
  files: string[];
  /** The editor schemas under .schemas/ were refreshed for the new contract. */
  schemas: boolean;
  /** The commit made, when the repo is in git. */
  commit?: string;
}

/** The commit message: the versions, then each migration with why. */
export function commitMessage(plan: MigrationPlan): string {
  const lines = plan.applied.map((m) => `- ${m.to}: ${m.title}\n  why: ${m.why}`);
  return `runlevel migrate: values contract ${plan.from} → ${plan.to}\n\n${lines.join('\n')}\n`;
}

/** Refuses before writing when a file migrate changes has changes of its own not committed yet. */
export async function refuseDirty(plan: MigrationPlan): Promise<void> {
  const top = await workTreeOf(plan.root);
  if (!top) return;
  const status = await simpleGit({ baseDir: top }).status();
  const ours = new Set(paths(plan).map((p) => relative(top, join(plan.root, p))));
  const dirty = status.files.filter((f) => ours.has(f.path)).map((f) => f.path);
  if (dirty.length > 0) {
    throw new UserError(
      `${dirty.join(', ')} ${dirty.length === 1 ? 'has' : 'have'} uncommitted changes: nothing was written`,
      {
        exitCode: ExitCode.invalid,
        hint: 'commit or stash them first, so the migration commit holds the migration alone',
      },
    );
  }
}

export async function writeMigration(plan: MigrationPlan): Promise<Written> {
  for (const c of plan.changes) {
    await mkdir(dirname(join(plan.root, c.path)), { recursive: true });
    await writeFile(join(plan.root, c.path), c.written);
  }
  const files = plan.changes.map((c) => c.path);
  // The editor schemas `runlevel init` wrote describe the old contract: refreshed with the rest.
  let schemas = false;
  if (existsSync(join(plan.root, editorSchemaDir))) {
    for (const [name, text] of Object.entries(editorSchemas(validators().schema as never))) {
      const file = join(plan.root, editorSchemaDir, name);
      if ((await readFile(file, 'utf8').catch(() => '')) === text) continue;
      await writeFile(file, text);
      files.push(`${editorSchemaDir}/${name}`);
      schemas = true;
    }
  }
  return { files, schemas, ...(await commitFiles(plan.root, files, commitMessage(plan))) };
}

/**
 * Commits `files` (relative to `root`) alone, when `root` is in git: the user's identity, else
 * runlevel's own. The upgrade rehearsal's --write commits through here too.
 */
export async function commitFiles(
  root: string,
  files: readonly string[],
  message: string,
): Promise<{ commit?: string }> {
  const top = await workTreeOf(root);
  if (!top) return {};
  const probe = simpleGit({ baseDir: top });
  const email = (await probe.getConfig('user.email')).value;
  const name = (await probe.getConfig('user.name')).value;
  const identity =
    email && name ? [] : ['user.name=runlevel migrate', 'user.email=runlevel-migrate@localhost'];
  const git = simpleGit({ baseDir: top, config: identity });
  const rel = files.map((f) => relative(top, join(root, f)));
  await git.add(rel);
  const staged = (await git.diff(['--cached', '--name-only', '--', ...rel])).trim();
  if (staged === '') return {};
  // --no-verify: the values were validated by this core just now; the hook runs the pinned core,
  // which may be the older one that cannot read the new contract yet.
  const result = await git.commit(message, rel, { '--no-verify': null });
  return { commit: result.commit };
}

function paths(plan: MigrationPlan): string[] {
  return plan.changes.map((c) => c.path);
}
