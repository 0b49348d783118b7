// runlevel migrate: bring a values repo to this core's values contract. Prints a unified diff per
// file (secrets masked), validates the result, writes it and commits it with the new contract.
import { refuseDirty, writeMigration } from '../../migrate/commit.js';
import { planMigration, unifiedDiff } from '../../migrate/index.js';
import { UserError } from '../../shared/errors.js';
import { log } from '../../shared/log.js';
import type { Command } from '../command.js';
import { coreVersion } from './version.js';

export const command: Command = {
  summary: "rewrite the values repo for this core's values contract, keeping every comment, and commit it",
  usage: 'runlevel migrate [--to VERSION] [--dry-run]',
  options: {
    to: {
      type: 'string',
      env: 'RUNLEVEL_MIGRATE_TO',
      help: "contract version to migrate to (default: this core's)",
    },
    'dry-run': {
      type: 'boolean',
      env: 'RUNLEVEL_DRY_RUN',
      help: 'print the diff and validate, write nothing',
    },
  },
  async run({ config, flags }) {
    const to = flags.to === undefined ? undefined : parseVersion(String(flags.to));
    const plan = await planMigration({
      valuesDir: config.valuesDir,
      ...(to === undefined ? {} : { to }),
      ageKeyFile: config.ageKeyFile,
    });
    if (plan.applied.length === 0) {
      log.done(`the values repo is at contract ${plan.to} already: nothing to migrate`);
      return;
    }
    log.start(`values contract ${plan.from} → ${plan.to}: ${plan.applied.length} migration(s)`);
    for (const m of plan.applied) log.info(`  ${m.to}: ${m.title}`);
    for (const c of plan.changes) log.writeData(unifiedDiff(c.path, c.before, c.after));
    for (const c of plan.changes.filter((x) => x.reformatted))
      log.warn(
        `${c.path}: its layout near the change could not be kept; the yaml library re-wrote it (see the diff)`,
      );
    if (plan.validated.length > 0) log.done(`the migrated values validate for ${plan.validated.join(', ')}`);
    else log.warn(`contract ${plan.to} is not this core's: the result was not validated`);
    if (flags['dry-run']) {
      log.done(`dry run: ${plan.changes.length} file(s) would change; nothing was written`);
      return;
    }
    await refuseDirty(plan);
    const written = await writeMigration(plan);
    if (written.schemas) log.generated('.schemas/: the editor schemas refreshed for the new contract');
    log.generated(
      `${plan.changes.length} file(s) migrated${written.commit ? `, committed ${written.commit} (contract ${plan.to})` : ' (not a git repo: not committed)'}`,
    );
    if (plan.pin !== coreVersion())
      log.warn(
        `runlevel.yaml pins core ${plan.pin}; this is core ${coreVersion()}, whose contract the values now follow: move the pin to ${coreVersion()} (a core that reads an older contract refuses the repo, exit 7)`,
      );
  },
};

function parseVersion(text: string): number {
  if (!/^\d+$/.test(text))
    throw new UserError(`--to ${text} is not a contract version`, { hint: 'a whole number, e.g. --to 2' });
  return Number(text);
}
