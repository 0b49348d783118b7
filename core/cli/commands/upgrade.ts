// runlevel upgrade --to VERSION --cluster C: the rehearsal of a pin move (core/upgrade), and with
// --write the move itself, migrated values and all, as one commit.
import { join } from 'node:path';
import { stringify } from 'yaml';
import { UserError } from '../../shared/errors.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { log } from '../../shared/log.js';
import { compareVersions, releaseVersion } from '../../shared/versions.js';
import { coreReference, resolveCoreImage } from '../../upgrade/image.js';
import { formatUpgradeText, refuseDirtyRepo, rehearseUpgrade } from '../../upgrade/index.js';
import { type CoreRunner, imageRunner, selfRunner } from '../../upgrade/runner.js';
import { resolveValues } from '../../values/index.js';
import { clusterEntry, readRepoFile } from '../../values/repo.js';
import type { Command } from '../command.js';
import { pinOf } from '../pin.js';
import { connectCluster } from '../pipeline.js';
import { clusterConfig } from '../rollout-deps.js';
import { coreVersion } from './version.js';

export const command: Command = {
  summary:
    "what moving a cluster's pin to another core would change, before it changes; --write commits the move",
  usage:
    'runlevel upgrade --to VERSION --cluster C [--write] [-o json]\n\n' +
    'Changes nothing: a private copy of the values gets the pin moved and the migrations of core\n' +
    'VERSION (run by that core, from its image: pulled from the mirror and verified against the\n' +
    "repo's cosign.pub, as runlevel-docker does); then core VERSION's render of the cluster is\n" +
    "compared with the current core's, release by release and object by object, and with what is\n" +
    'deployed (Secrets say only *** (changed)). Needs Docker on the host for a core other than\n' +
    'this one. --write moves the pin in runlevel.yaml and writes the migrated files in one commit.',
  options: {
    to: { type: 'string', env: 'RUNLEVEL_UPGRADE_TO', help: 'the core release to move the cluster to' },
    write: {
      type: 'boolean',
      env: 'RUNLEVEL_UPGRADE_WRITE',
      help: 'also move the pin and write the migrated values, as one commit',
    },
  },
  async run({ config, flags }) {
    const to = typeof flags.to === 'string' ? flags.to : '';
    if (!releaseVersion.test(to)) {
      throw new UserError(to ? `--to ${to} is not a core release` : 'upgrade needs --to VERSION', {
        exitCode: ExitCode.invalid,
        hint: 'name the release to move to, x.y.z (e.g. --to 0.3.0): a pin is never a moving tag',
      });
    }
    const repo = await readRepoFile(config.valuesDir);
    const { name: cluster } = clusterEntry(repo, config.cluster); // unknown: did-you-mean, exit 2
    const pin = pinOf(repo.file, cluster).version;
    const order = compareVersions(to, pin);
    if (order === undefined || order <= 0) {
      throw new UserError(
        order === 0
          ? `cluster ${cluster} is pinned to core ${to} already: there is nothing to rehearse`
          : `cluster ${cluster} is pinned to core ${pin}: ${to} is not a newer release`,
        {
          exitCode: ExitCode.invalid,
          hint:
            order === 0
              ? `runlevel diff --cluster ${cluster} shows what a deploy would change`
              : 'upgrade goes forward; to go back, revert the commit that moved the pin',
        },
      );
    }
    if (flags.write === true) await refuseDirtyRepo(repo.root); // before any image is pulled or run
    const self = coreVersion();
    if ((pin !== self || to !== self) && process.env.RUNLEVEL_IN_IMAGE === 'true') {
      throw new UserError(
        `the rehearsal runs core ${to} beside core ${pin}, each from its own image, and there is no Docker in this one`,
        {
          exitCode: ExitCode.invalid,
          hint: `run it on the host, where Docker is: runlevel upgrade --to ${to} --cluster ${cluster} (a checkout's bin/runlevel); the image is never given the host's Docker socket`,
        },
      );
    }

    // The mirror the cluster's images come from, when the env does not name the core's repository.
    const mirror =
      process.env.RUNLEVEL_IMAGE_REPOSITORY || pin !== self
        ? undefined
        : (await resolveValues({ valuesDir: repo.root, cluster, ageKeyFile: config.ageKeyFile })).values
            .platform.registry.mirror || undefined;
    const publicKey = join(repo.root, 'cosign.pub');
    let verified = false;
    const runner = async (version: string): Promise<CoreRunner> => {
      if (version === self) return selfRunner(version, config.ageKeyFile);
      const image = await resolveCoreImage(version, coreReference(version, mirror), publicKey);
      if (image.verified) log.done(`${image.reference} verified with ${publicKey} (${image.run})`);
      else log.warn(`${image.reference} runs unverified: the values repo has no cosign.pub`);
      if (version === to) verified = image.verified;
      return imageRunner(version, image.run, config.ageKeyFile);
    };
    const [from, next] = [await runner(pin), await runner(to)];

    const conn = await connectCluster(clusterConfig(config, repo, cluster));
    const report = await rehearseUpgrade({
      valuesDir: repo.root,
      cluster,
      ...(config.ageKeyFile ? { ageKeyFile: config.ageKeyFile } : {}),
      from,
      to: next,
      verified,
      deployedManifest: (name, namespace) => conn.helm.getManifest(name, namespace),
      write: flags.write === true,
    });
    if (config.output === 'json') log.writeData(`${JSON.stringify(report, null, 2)}\n`);
    else if (config.output === 'yaml') log.writeData(stringify(report, { lineWidth: 0 }));
    else log.writeData(`${formatUpgradeText(report, (c, s) => log.paint(c, s))}\n`);
    if (report.written?.commit)
      log.done(`cluster ${cluster} moved to core ${to} in commit ${report.written.commit}`);
    else if (flags.write !== true) log.done('rehearsal only: nothing was written (--write moves the pin)');
  },
};
