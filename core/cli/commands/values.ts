import { log } from '../../shared/log.js';
import { resolveValues } from '../../values/index.js';
import { printValues } from '../../values/print.js';
import type { Command } from '../command.js';

export const command: Command = {
  summary: 'print the merged values of a cluster (secrets shown as ***)',
  usage: 'runlevel values --cluster C [--show-origin] [-o yaml|json]',
  options: {
    'show-origin': {
      type: 'boolean',
      env: 'RUNLEVEL_SHOW_ORIGIN',
      help: 'annotate every value with the file:line:col that set it',
    },
  },
  async run({ config, flags }) {
    const resolved = await resolveValues({
      valuesDir: config.valuesDir,
      cluster: config.cluster,
      ageKeyFile: config.ageKeyFile,
    });
    const format = config.output === 'json' ? 'json' : 'yaml';
    log.writeData(printValues(resolved, { format, showOrigin: Boolean(flags['show-origin']) }));
  },
};
