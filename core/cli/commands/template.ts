import { warnUnreadChartValues } from '../../charts/values.js';
import { canonicalJson } from '../../render/canonical.js';
import { renderIndex, renderPlatform, resolvedInput, writeRender } from '../../render/index.js';
import { renderStream } from '../../render/output.js';
import { varyingLines } from '../../render/varying.js';
import { UserError } from '../../shared/errors.js';
import { log } from '../../shared/log.js';
import { MASK } from '../../shared/mask.js';
import { maskSecretDocuments } from '../../shared/secret-objects.js';
import { mark } from '../../shared/timing.js';
import { resolveValues } from '../../values/index.js';
import { renderInRepoProblem } from '../../values/plaintext.js';
import type { Command } from '../command.js';
import { concurrencyFlag, listFlag, selectorOption } from '../flags.js';
import { usableOutDir } from '../out-dir.js';
import { renderCapabilities } from '../render-capabilities.js';

export const command: Command = {
  summary: 'render every enabled release, runlevel by runlevel',
  usage:
    'runlevel template --cluster C [--out DIR] [--selector k=v[,k2!=v2]]... [--show-secrets] [-o json]\n\n' +
    'On stdout the data of every Secret and every secret value is masked (***) unless --show-secrets\n' +
    'is given. --out DIR writes the render as helm made it, Secrets included, readable by you only\n' +
    '(files 0600, directories 0700).',
  options: {
    out: {
      type: 'string',
      env: 'RUNLEVEL_TEMPLATE_OUT',
      help: 'write DIR/<runlevel>/<release>/*.yaml and DIR/index.json',
    },
    selector: selectorOption,
    'show-secrets': {
      type: 'boolean',
      env: 'RUNLEVEL_SHOW_SECRETS',
      help: 'print Secret data and secret values in clear on stdout (masked by default)',
    },
    concurrency: {
      type: 'string',
      env: 'RUNLEVEL_CONCURRENCY',
      help: 'releases rendered at once (default 2 × cores)',
    },
  },
  async run({ config, flags }) {
    const started = Date.now();
    const outDir = typeof flags.out === 'string' ? usableOutDir(flags.out) : undefined; // before any work
    const inRepo = outDir === undefined ? undefined : await renderInRepoProblem(config.valuesDir, outDir);
    if (inRepo) throw new UserError(`--out ${String(flags.out)} ${inRepo.message}`, { hint: inRepo.hint });
    const resolved = await resolveValues({
      valuesDir: config.valuesDir,
      cluster: config.cluster,
      ageKeyFile: config.ageKeyFile,
    });
    mark('values resolved');
    const selectors = listFlag(flags, 'selector');
    const concurrency = concurrencyFlag(flags);
    log.start(`rendering ${resolved.cluster}`);
    const result = await renderPlatform({
      ...resolvedInput(resolved),
      selectors,
      capabilities: renderCapabilities(resolved),
      ...(concurrency ? { concurrency } : {}),
    });
    // Not repeatable: said here and in index.json (objects[].varies), so no one mistakes the
    // difference between two renders (or a render and the cluster) for a change.
    mark('rendered');
    const varying = varyingLines(result.releases);
    if (varying.length > 0) {
      log.warn(
        `${varying.length} object${varying.length === 1 ? '' : 's'} will differ from render to render or from what a deploy makes:\n  ${varying.join('\n  ')}`,
      );
    }
    if (selectors.length === 0) warnUnreadChartValues(resolved.values, result.releases);
    const meta = { cluster: resolved.cluster, selectors };
    const objects = result.releases.reduce((n, r) => n + r.objects.length, 0);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const summary = `${result.releases.length} releases, ${objects} objects, ${result.runlevels.length} runlevels`;
    if (outDir !== undefined) {
      await writeRender(result, outDir, meta);
      mark('written');
      log.done(`rendered ${summary} into ${flags.out} in ${seconds}s`);
      if (config.output === 'json') log.writeData(canonicalJson(renderIndex(result, meta), 2));
      return;
    }
    if (config.output === 'json') log.writeData(canonicalJson(renderIndex(result, meta), 2));
    else if (flags['show-secrets'] === true) log.writeData(renderStream(result), { showSecrets: true });
    else {
      const { text, masked } = maskSecretDocuments(renderStream(result), MASK);
      log.writeData(text);
      if (masked > 0) {
        log.info(
          `the data of ${masked} Secret${masked === 1 ? '' : 's'} is masked (${MASK}): --show-secrets prints it`,
        );
      }
    }
    log.done(`rendered ${summary} in ${seconds}s`);
  },
};
