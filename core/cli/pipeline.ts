// The stages every later command starts with: values → render → check. Commands compose these
// instead of repeating them.
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { type CheckReport, checkRendered, exitCodeOf, formatText, summary } from '../check/index.js';
import { type RenderOptions, type RenderResult, renderPlatform, writeRender } from '../render/index.js';
import { UserError } from '../shared/errors.js';
import { log } from '../shared/log.js';
import { type Resolved, resolveValues } from '../values/index.js';
import type { ResolvedConfig } from './config.js';

export async function resolveFromConfig(config: ResolvedConfig): Promise<Resolved> {
  return resolveValues({
    valuesDir: config.valuesDir,
    cluster: config.cluster,
    ageKeyFile: config.ageKeyFile,
  });
}

export async function renderResolved(
  _config: ResolvedConfig, // unused since render takes the values texts from `resolved`
  resolved: Resolved,
  selectors: string[] = [],
  reuse?: RenderOptions['reuse'],
): Promise<RenderResult> {
  log.start(`rendering ${resolved.cluster}`);
  const started = Date.now();
  const result = await renderPlatform({
    values: resolved.values,
    origins: resolved.origins,
    texts: resolved.texts,
    selectors,
    reuse,
  });
  const reused = result.releases.filter((r) => r.reused).length;
  const fresh = result.releases.length - reused;
  log.done(
    `rendered ${fresh} release${fresh === 1 ? '' : 's'}${reused > 0 ? ` (${reused} unchanged, taken from the cluster)` : ''} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
  return result;
}

/** Check a render; violations stop whatever comes next with exit 4 and the full report. */
export async function checkOrStop(
  resolved: Resolved,
  result: RenderResult,
  strict = false,
): Promise<CheckReport> {
  const scratch = await mkdtemp(join(tmpdir(), 'runlevel-check-'));
  try {
    const dir = join(scratch, 'render');
    await writeRender(result, dir, { cluster: resolved.cluster });
    log.start(`checking ${resolved.cluster}`);
    const report = await checkRendered({ dir, values: resolved.values });
    const code = exitCodeOf(report, strict);
    if (code !== 0) {
      log.writeData(formatText(report, (c, s) => log.paint(c, s)));
      throw new UserError(`check failed: ${summary(report)}`, {
        exitCode: code,
        hint: 'fix the values (or grant a policy exception in values) and run again; nothing was deployed',
      });
    }
    log.done(summary(report));
    return report;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The values repo's commit, with "-dirty" when the working tree has changes; "none" outside git. */
export async function valuesCommit(valuesDir: string): Promise<string> {
  try {
    const git = simpleGit(valuesDir);
    if (!(await git.checkIsRepo())) return 'none';
    const head = (await git.revparse(['--short=12', 'HEAD'])).trim();
    const status = await git.status();
    return status.isClean() ? head : `${head}-dirty`;
  } catch {
    return 'none';
  }
}

export function kubeconfigFile(config: ResolvedConfig): string {
  return config.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube/config');
}
