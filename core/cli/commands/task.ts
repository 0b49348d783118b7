import { UserError } from '../../shared/errors.js';
import { shutdown } from '../../shared/exec.js';
import { loadKubeConfig } from '../../shared/kube.js';
import { log } from '../../shared/log.js';
import { getTask, listTasks, runTask } from '../../tasks/index.js';
import { resolveValues } from '../../values/index.js';
import type { Command } from '../command.js';

export const command: Command = {
  summary: 'run one lifecycle task (as deploy does between runlevels), or list them',
  usage: 'runlevel task NAME [ARG...] --cluster C [--values DIR] [--kubeconfig K] | runlevel task --list',
  options: {
    list: { type: 'boolean', help: 'list the tasks with what they do' },
  },
  async run({ config, args, flags }) {
    if (flags.list) {
      const all = listTasks();
      if (config.output === 'json') {
        log.writeData(
          JSON.stringify(
            all.map((t) => ({ name: t.name, description: t.description })),
            null,
            2,
          ),
        );
      } else {
        const width = Math.max(...all.map((t) => t.name.length));
        log.writeData(all.map((t) => `${t.name.padEnd(width)}  ${t.description}`).join('\n'));
      }
      return;
    }
    const [name, ...taskArgs] = args;
    if (!name)
      throw new UserError('which task?', { hint: 'runlevel task NAME; runlevel task --list shows them' });
    const task = getTask(name); // before reading values: a typo should not wait for sops
    const resolved = await resolveValues({
      valuesDir: config.valuesDir,
      cluster: config.cluster,
      ageKeyFile: config.ageKeyFile,
    });
    const kc = loadKubeConfig(config.kubeconfig);
    log.start(`task ${task.name} on cluster ${resolved.cluster}`);
    const started = Date.now();
    const result = await runTask(task, {
      kc,
      values: resolved.values,
      cluster: resolved.cluster,
      signal: shutdown.signal,
      args: taskArgs,
    });
    for (const change of result.changed) log.generated(change);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const summary = result.changed.length === 0 ? 'nothing to change' : `${result.changed.length} change(s)`;
    log.done(`task ${task.name}: ${summary} (${seconds}s)`);
    if (config.output === 'json')
      log.writeData(JSON.stringify({ task: task.name, changed: result.changed }, null, 2));
  },
};
