// Asking a person to confirm something that cannot be undone: they type its name back.
import { createInterface } from 'node:readline/promises';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';

/** Resolves when the line typed on stdin is `name`; otherwise a UserError (exit 2). */
export async function confirmByName(name: string, warning: string): Promise<void> {
  log.warn(warning);
  log.info(`type the cluster name (${name}) to confirm:`);
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    if (answer.trim() !== name) {
      throw new UserError(`not confirmed: "${answer.trim()}" is not ${name}; nothing was changed`, {
        exitCode: ExitCode.invalid,
        hint: 'type the cluster name exactly, or pass --yes',
      });
    }
  } finally {
    rl.close();
  }
}

/** Without a terminal there is no one to ask: refuse (exit 2) unless confirmation was given up front. */
export function refuseUnconfirmable(yes: boolean, what: string): void {
  if (yes || process.stdin.isTTY) return;
  throw new UserError(`refusing to ${what} without confirmation`, {
    exitCode: ExitCode.invalid,
    hint: 'run it in a terminal to confirm by typing the cluster name, or pass --yes (RUNLEVEL_YES=true)',
  });
}
