// runlevel bootstrap: the one command after which a cluster follows its values repo by itself.
// It commits the agent's settings to the repo and pushes them (so the agent's first pass finds
// itself in the values and does not prune itself), puts the Secrets it mounts into
// runlevel-system, and runs the first deploy, which installs the agent (runlevel 95-agent).
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { ensureSystemNamespace, systemNamespace } from '../../deploy/system-namespace.js';
import { UserError } from '../../shared/errors.js';
import { isConflict, isNotFound, withRetry } from '../../shared/kube.js';
import { log } from '../../shared/log.js';
import { credentialHelper as helper, publicUrl } from '../../sync/git.js';
import { repoAgeKeyText } from '../../values/secrets.js';
import type { Command } from '../command.js';
import { enforcePin, imageRepository } from '../pin.js';
import { connectCluster } from '../pipeline.js';
import { command as deployCommand } from './deploy.js';
import { coreVersion } from './version.js';

export const command: Command = {
  summary: 'install the sync agent with a first deploy: from then on the cluster follows the repo',
  usage:
    'runlevel bootstrap --cluster C --repo URL [--branch main] [--git-credentials DIR] [--hook-secret-file F]\n' +
    '                   [--interval 1m] [--drift warn|correct] [--no-push]\n\n' +
    'Writes clusters/C/agent.yaml, commits and pushes it to the branch, creates the agent’s Secrets in\n' +
    'runlevel-system (age key, git token, hook secret) and deploys. docs/gitops.md.',
  options: {
    repo: {
      type: 'string',
      env: 'RUNLEVEL_SYNC_REPO',
      help: 'git URL of this values repo, as the cluster reaches it',
    },
    branch: {
      type: 'string',
      env: 'RUNLEVEL_SYNC_BRANCH',
      help: 'branch the cluster follows (default main)',
    },
    interval: { type: 'string', env: 'RUNLEVEL_SYNC_INTERVAL', help: 'time between passes (default 1m)' },
    drift: { type: 'string', env: 'RUNLEVEL_SYNC_DRIFT', help: 'warn | correct (default warn)' },
    'git-credentials': {
      type: 'string',
      env: 'RUNLEVEL_SYNC_GIT_CREDENTIALS',
      help: 'directory with password (a read-only token) and optionally username',
    },
    'hook-secret-file': { type: 'string', env: 'RUNLEVEL_SYNC_HOOK_SECRET_FILE', help: 'the webhook secret' },
    'no-push': {
      type: 'boolean',
      help: 'commit only (the branch must hold the commit before the agent starts)',
    },
  },
  async run({ config, flags }) {
    const cluster = config.cluster;
    if (!cluster) throw new UserError('bootstrap needs --cluster');
    const repo = typeof flags.repo === 'string' ? flags.repo : '';
    if (!repo)
      throw new UserError('bootstrap needs --repo URL: the values repo as the cluster will reach it');
    if (publicUrl(repo) !== repo && /\/\/[^/]*:[^/]*@/.test(repo)) {
      throw new UserError(`--repo ${publicUrl(repo)} carries credentials`, {
        hint: 'put a read-only token in a directory (password, username) and pass --git-credentials DIR',
      });
    }
    // The agent runs this core: the repo must pin it, as for a deploy (exit 7 otherwise).
    await enforcePin(config, 'deploy', process.argv.slice(2));
    const branch = typeof flags.branch === 'string' ? flags.branch : 'main';
    const credentials = typeof flags['git-credentials'] === 'string' ? flags['git-credentials'] : undefined;
    const hookFile = typeof flags['hook-secret-file'] === 'string' ? flags['hook-secret-file'] : undefined;
    // The agent decrypts with this repo's key: found as every decrypt finds it, or the error listing where it looked.
    const ageKey = await repoAgeKeyText(config.valuesDir, config.ageKeyFile);
    const secrets = {
      ageKey: 'runlevel-agent-age',
      gitCredentials: credentials ? 'runlevel-agent-git' : '',
      hookSecret: hookFile ? 'runlevel-agent-hook' : '',
    };

    // 1. The agent's settings in the repo, committed and pushed.
    const file = join(config.valuesDir, 'clusters', cluster, 'agent.yaml');
    const agent = {
      enabled: true,
      image: `${imageRepository()}:${coreVersion()}`,
      repo,
      branch,
      interval: typeof flags.interval === 'string' ? flags.interval : '1m',
      drift: flags.drift === 'correct' ? 'correct' : 'warn',
      secrets,
    };
    await mkdir(dirname(file), { recursive: true });
    await writeFile(
      file,
      `# The sync agent of cluster ${cluster} (written by runlevel bootstrap; docs/gitops.md).\n${stringify({ platform: { agent } })}`,
    );
    const git = (...args: string[]) =>
      execa('git', args, {
        cwd: config.valuesDir,
        env: { GIT_TERMINAL_PROMPT: '0', ...(credentials ? { RUNLEVEL_GIT_CREDENTIALS: credentials } : {}) },
      });
    await git('add', relative(config.valuesDir, file));
    const staged = await git('diff', '--cached', '--quiet').then(
      () => false,
      () => true,
    );
    if (staged) {
      // The user's identity when git has one; else a neutral one for this commit only (as init does).
      const known = await git('config', 'user.email').then(
        (r) => r.stdout.trim() !== '',
        () => false,
      );
      const identity = known
        ? []
        : ['-c', 'user.name=runlevel bootstrap', '-c', 'user.email=runlevel-bootstrap@localhost'];
      await git(
        ...identity,
        'commit',
        '-q',
        '-m',
        `runlevel bootstrap: cluster ${cluster} follows ${branch}`,
      );
    }
    if (flags['no-push'] !== true) {
      log.start(`pushing ${relative(config.valuesDir, file)} to ${publicUrl(repo)} ${branch}`);
      await execa(
        'git',
        [
          '-c',
          'credential.helper=',
          ...(credentials ? ['-c', `credential.helper=${helper}`] : []),
          'push',
          '-q',
          repo,
          `HEAD:refs/heads/${branch}`,
        ],
        {
          cwd: config.valuesDir,
          env: {
            GIT_TERMINAL_PROMPT: '0',
            ...(credentials ? { RUNLEVEL_GIT_CREDENTIALS: credentials } : {}),
          },
        },
      ).catch((err: { stderr?: string }) => {
        throw new UserError(
          `pushing to ${publicUrl(repo)} failed: ${String(err.stderr ?? '').split('\n')[0]}`,
          {
            hint: 'push the bootstrap commit yourself, then run bootstrap again with --no-push',
          },
        );
      });
    }

    // 2. The Secrets the agent mounts.
    const conn = await connectCluster(config);
    const core = conn.kc.makeApiClient(CoreV1Api);
    await ensureSystemNamespace(core);
    await putSecret(core, secrets.ageKey, 'Opaque', { 'age.key': ageKey });
    if (credentials) {
      const user = join(credentials, 'username');
      await putSecret(core, secrets.gitCredentials, 'kubernetes.io/basic-auth', {
        username: existsSync(user) ? readFileSync(user, 'utf8').trim() : 'git',
        password: readFileSync(join(credentials, 'password'), 'utf8').trim(),
      });
    }
    if (hookFile)
      await putSecret(core, secrets.hookSecret, 'Opaque', { secret: readFileSync(hookFile, 'utf8').trim() });
    log.done(`Secrets ${Object.values(secrets).filter(Boolean).join(', ')} in ${systemNamespace}`);

    // 3. The first deploy, which installs the agent with the rest.
    const code = await deployCommand.run({ config, args: [], flags: {}, connection: conn });
    if (code) return code;
    log.done(
      `cluster ${cluster} now follows ${publicUrl(repo)} ${branch}: see \`kubectl -n ${systemNamespace} logs deploy/runlevel-agent\``,
    );
    return undefined;
  },
};

async function putSecret(
  core: CoreV1Api,
  name: string,
  type: string,
  data: Record<string, string>,
): Promise<void> {
  const body: V1Secret = {
    metadata: { name, namespace: systemNamespace, labels: { 'app.kubernetes.io/managed-by': 'runlevel' } },
    type,
    stringData: data,
  };
  for (const value of Object.values(data)) log.redact(value);
  await withRetry(`write Secret ${name}`, async () => {
    try {
      await core.replaceNamespacedSecret({ name, namespace: systemNamespace, body });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await core.createNamespacedSecret({ namespace: systemNamespace, body });
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
    }
  });
}
