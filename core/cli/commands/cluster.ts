import { clusterDown, clusterStatus, clusterUp } from '../../cluster/index.js';
import { UserError } from '../../shared/errors.js';
import { log } from '../../shared/log.js';
import type { Command } from '../command.js';

export const command: Command = {
  summary: 'embedded local control plane: up | down | status',
  usage: 'runlevel cluster up|down|status [--state-dir DIR] [--purge] [-o json]',
  options: {
    purge: { type: 'boolean', help: 'down: also delete the state directory (etcd data, certificates)' },
    timeout: { type: 'string', help: 'up: seconds to wait for readiness (default 120)' },
  },
  async run({ args, flags, config }) {
    const stateDir = config.stateDir;
    switch (args[0]) {
      case 'up': {
        const timeoutMs = flags.timeout ? Number(flags.timeout) * 1000 : undefined;
        if (timeoutMs !== undefined && !(timeoutMs > 0))
          throw new UserError(`--timeout ${flags.timeout} is not a number of seconds`);
        const info = await clusterUp({ stateDir, timeoutMs });
        if (config.output === 'json') log.writeData(JSON.stringify(info, null, 2));
        else {
          log.info(`kubeconfig: ${info.kubeconfig}`);
          log.writeData(`export KUBECONFIG=${info.kubeconfig}`);
        }
        return;
      }
      case 'down': {
        const { stopped } = await clusterDown({ stateDir, purge: Boolean(flags.purge) });
        if (stopped.length === 0) log.done('no local cluster processes were running');
        else log.done(`stopped ${stopped.join(', ')}`);
        return;
      }
      case 'status': {
        const status = await clusterStatus({ stateDir });
        if (config.output === 'json') {
          log.writeData(JSON.stringify(status, null, 2));
        } else if (status.daemons.length === 0) {
          log.writeData(`no local cluster in ${stateDir}`);
        } else {
          const lines = status.daemons.map(
            (d) => `  ${d.name.padEnd(24)} pid ${String(d.pid).padEnd(8)} ${d.alive ? 'running' : 'stopped'}`,
          );
          lines.unshift(`server ${status.server}  ready: ${status.ready}  node Ready: ${status.nodeReady}`);
          lines.push(`kubeconfig: ${status.kubeconfig}`);
          log.writeData(lines.join('\n'));
        }
        return status.running && status.ready ? undefined : 1;
      }
      default:
        throw new UserError(`unknown cluster action "${args[0] ?? ''}"`, {
          hint: 'use: runlevel cluster up|down|status',
        });
    }
  },
};
