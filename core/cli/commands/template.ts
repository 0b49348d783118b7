import { canonicalJson } from '../../render/canonical.js';
import { renderIndex, renderPlatform, writeRender } from '../../render/index.js';
import { renderStream } from '../../render/output.js';
import { log } from '../../shared/log.js';
import { resolveValues } from '../../values/index.js';
import type { Command } from '../command.js';
import { concurrencyFlag, listFlag, selectorOption } from '../flags.js';
import { usableOutDir } from '../out-dir.js';

export const command: Command = {
  summary: 'render every enabled release, runlevel by runlevel',
  usage: 'runlevel template --cluster C [--out DIR] [--selector k=v[,k2!=v2]]... [-o json]',
  options: {
    out: {
      type: 'string',
      env: 'RUNLEVEL_TEMPLATE_OUT',
      help: 'write DIR/<runlevel>/<release>/*.yaml and DIR/index.json',
    },
    selector: selectorOption,
    concurrency: {
      type: 'string',
      env: 'RUNLEVEL_CONCURRENCY',
      help: 'releases rendered at once (default 2 × cores)',
    },
  },
  async run({ config, flags }) {
    const started = Date.now();
    const outDir = typeof flags.out === 'string' ? usableOutDir(flags.out) : undefined; // before any work
    const resolved = await resolveValues({
      valuesDir: config.valuesDir,
      cluster: config.cluster,
      ageKeyFile: config.ageKeyFile,
    });
    const selectors = listFlag(flags, 'selector');
    const concurrency = concurrencyFlag(flags);
    log.start(`rendering ${resolved.cluster}`);
    const result = await renderPlatform({
      values: resolved.values,
      origins: resolved.origins,
      texts: resolved.texts,
      selectors,
      ...(concurrency ? { concurrency } : {}),
    });
    const meta = { cluster: resolved.cluster, selectors };
    const objects = result.releases.reduce((n, r) => n + r.objects.length, 0);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const summary = `${result.releases.length} releases, ${objects} objects, ${result.runlevels.length} runlevels`;
    if (outDir !== undefined) {
      await writeRender(result, outDir, meta);
      log.done(`rendered ${summary} into ${flags.out} in ${seconds}s`);
      if (config.output === 'json') log.writeData(canonicalJson(renderIndex(result, meta), 2));
      return;
    }
    if (config.output === 'json') log.writeData(canonicalJson(renderIndex(result, meta), 2));
    else log.writeData(renderStream(result));
    log.done(`rendered ${summary} in ${seconds}s`);
  },
};
