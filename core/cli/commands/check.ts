import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkRendered, exitCodeOf, formatJson, formatText, summary } from '../../check/index.js';
import { renderPlatform, writeRender } from '../../render/index.js';
import { log } from '../../shared/log.js';
import type { Command } from '../command.js';
import { resolveFromConfig } from '../pipeline.js';

export const command: Command = {
  summary: 'check the rendered platform: Kubernetes schemas and policies',
  usage: 'runlevel check --cluster C [--dir RENDERED_DIR] [--strict] [-o json]',
  options: {
    dir: {
      type: 'string',
      env: 'RUNLEVEL_CHECK_DIR',
      help: 'check this render (runlevel template --out DIR) instead of rendering',
    },
    strict: { type: 'boolean', env: 'RUNLEVEL_CHECK_STRICT', help: 'warnings fail the check too' },
  },
  async run({ config, flags }) {
    const started = Date.now();
    // validate → render → check: values first, so a values mistake is reported as one.
    const resolved = await resolveFromConfig(config);
    const strict = flags.strict === true;
    let dir = typeof flags.dir === 'string' ? resolve(flags.dir) : undefined;
    let scratch: string | undefined;
    try {
      if (!dir) {
        log.start(`rendering ${resolved.cluster}`);
        const result = await renderPlatform({
          values: resolved.values,
          origins: resolved.origins,
          texts: resolved.texts,
        });
        scratch = await mkdtemp(join(tmpdir(), 'runlevel-check-'));
        dir = join(scratch, 'render');
        await writeRender(result, dir, { cluster: resolved.cluster });
      }
      log.start(`checking ${resolved.cluster}`);
      const report = await checkRendered({ dir, values: resolved.values });
      log.writeData(
        config.output === 'json' ? formatJson(report, strict) : formatText(report, (c, s) => log.paint(c, s)),
      );
      const code = exitCodeOf(report, strict);
      const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
      if (code === 0) log.done(`${summary(report)} in ${took}`);
      else log.fail(`${summary(report)} in ${took}${report.errors === 0 ? ' (--strict)' : ''}`);
      return code;
    } finally {
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
  },
};
