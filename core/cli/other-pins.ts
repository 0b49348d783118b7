// Mixed pins: a values repo whose clusters pin different cores (a canary) is validated cluster by
// cluster with the core each pins. This core validates its own; the others are reported, and on a
// host (not inside the image) validated through the launcher with their own image when it is
// here. A cluster whose core is not here is said so, not failed: the pin is a commit of its own.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';
import { installRoot } from '../shared/paths.js';
import { shutdown } from '../shared/shutdown.js';
import { readRepoFile } from '../values/repo.js';
import { coreVersion } from './commands/version.js';
import { clustersPinnedElsewhere } from './pin.js';

export interface OtherPin {
  cluster: string;
  core: string;
  /** validated: its own core said valid; invalid: it said not; absent: its core is not here. */
  outcome: 'validated' | 'invalid' | 'absent';
}

/** The clusters of the repo pinned to another release than this core. */
export async function otherPins(valuesDir: string): Promise<{ cluster: string; core: string }[]> {
  const repo = await readRepoFile(valuesDir);
  return clustersPinnedElsewhere(repo.file, coreVersion()).map((c) => ({
    cluster: c.cluster,
    core: c.pin.version,
  }));
}

/** Validates each through the launcher beside this core when there is one and Docker is reachable. */
export async function validateOtherPins(
  valuesDir: string,
  pins: readonly { cluster: string; core: string }[],
): Promise<OtherPin[]> {
  const launcher = join(installRoot, 'bin/runlevel-docker');
  const canLaunch = process.env.RUNLEVEL_IN_IMAGE !== 'true' && existsSync(launcher);
  const results: OtherPin[] = [];
  for (const { cluster, core } of pins) {
    const note = `${cluster}: pinned to core ${core}, not validated by core ${coreVersion()}`;
    if (!canLaunch) {
      log.warn(`${note}: runlevel-docker validate --cluster ${cluster} validates it with its own core`);
      results.push({ cluster, core, outcome: 'absent' });
      continue;
    }
    const r = await execa(launcher, ['validate', '--cluster', cluster, '--values', valuesDir], {
      reject: false,
      stdout: 'ignore',
      stderr: 'pipe',
      timeout: 300_000,
      cancelSignal: shutdown.signal,
    });
    const stderr = String(r.stderr).trimEnd();
    if (r.exitCode === ExitCode.ok) {
      log.done(`${cluster}: validated by its own core ${core} (runlevel-docker)`);
      results.push({ cluster, core, outcome: 'validated' });
    } else if (r.exitCode === ExitCode.invalid || r.exitCode === ExitCode.renderFailed) {
      log.fail(`${cluster}: its own core ${core} says the values are invalid:\n${stderr}`);
      results.push({ cluster, core, outcome: 'invalid' });
    } else {
      log.warn(`${note}, and it could not run here: ${stderr.split('\n')[0] ?? ''}`);
      results.push({ cluster, core, outcome: 'absent' });
    }
  }
  return results;
}
