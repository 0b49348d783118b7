import { UserError } from '../../shared/errors.js';
import { log } from '../../shared/log.js';
import { installRoot } from '../../shared/paths.js';
import { initValuesRepo } from '../../values/init/index.js';
import type { Command } from '../command.js';
import { coreVersion } from './version.js';

export const command: Command = {
  summary: 'create a new values repo from the template',
  usage: 'runlevel init DIR --cluster C [--environment E] [--domain D] [--age-key-file FILE]',
  options: {
    environment: { type: 'string', help: 'environment of the cluster (default: the cluster name)' },
    domain: { type: 'string', help: 'base DNS domain of the cluster (default: <cluster>.example.com)' },
  },
  async run({ config, args, flags }) {
    const [dir, ...rest] = args;
    if (!dir || rest.length > 0)
      throw new UserError('init needs exactly one directory', { hint: `usage: ${this.usage}` });
    const cluster = config.cluster;
    if (!cluster) throw new UserError('init needs --cluster', { hint: `usage: ${this.usage}` });
    const environment = typeof flags.environment === 'string' ? flags.environment : cluster;
    const domain = typeof flags.domain === 'string' ? flags.domain : `${cluster}.example.com`;
    log.start(
      `creating values repo ${dir} (cluster ${cluster}, environment ${environment}, domain ${domain})`,
    );
    const r = await initValuesRepo({
      dir,
      cluster,
      environment,
      domain,
      ageKeyFile: config.ageKeyFile,
      coreVersion: coreVersion(),
      runlevelBin: `${installRoot}/bin/runlevel`,
    });
    if (r.ageKeyCreated)
      log.generated(`age key ${r.ageKeyFile} (outside the repo: back it up, never commit it)`);
    else log.info(`using the existing age key ${r.ageKeyFile}`);
    log.generated(`${r.files.length} files, first commit ${r.commit}`);
    log.done(
      `values for ${cluster} validate; next: runlevel values --values ${dir} --cluster ${cluster} --show-origin`,
    );
    if (config.output === 'json') log.writeData(JSON.stringify(r, null, 2));
    else log.writeData(`age key: ${r.ageKeyFile}`);
  },
};
