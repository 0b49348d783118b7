// The upgrade rehearsal: what moving cluster C's pin to core VERSION would change, seen before
// anything changes. A private copy of the values gets the pin moved and the new core's migrations
// (nothing of the repo, the cluster or git is touched); the new core renders the copy, the current
// core renders the repo, and the two are compared release by release and object by object, then
// the new render against what helm deployed. With --write the copy's changes become one commit.
//
// Where the new core runs: from its image, on the host (`docker run`, runner.ts). Inside the image
// there is no Docker, and handing the container the host's Docker socket would hand it the host;
// the old core's render cannot be stood in for by the cluster either (that is the other question,
// answered beside it). So in the image the rehearsal says it needs the host, and stops.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { commitFiles } from '../migrate/commit.js';
import { movePins } from '../rollout/promote.js';
import { log } from '../shared/log.js';
import { mapLimit } from '../shared/pool.js';
import { withScratchDir } from '../shared/scratch.js';
import { repoContract } from '../values/contract.js';
import { readRepoFile, repoFileName } from '../values/repo.js';
import { AgeKeys } from '../values/secrets.js';
import { compareRenders } from './compare.js';
import { changedFiles, copyRepo, type FileChange } from './files.js';
import type { CoreRunner } from './runner.js';
import type { ReleaseRender, UpgradeReport } from './types.js';

export { compareRenders } from './compare.js';
export { formatUpgradeText } from './format.js';
export { refuseDirtyRepo } from './git.js';
export type * from './types.js';

export interface UpgradeOptions {
  valuesDir: string;
  cluster: string;
  ageKeyFile?: string;
  /** The core the cluster is pinned to now, and the one it would move to. */
  from: CoreRunner;
  to: CoreRunner;
  /** Whether the new core's image was verified against the repo's cosign.pub. */
  verified: boolean;
  /** The manifest helm stored for a release; undefined when it has none. */
  deployedManifest(name: string, namespace: string): Promise<string | undefined>;
  /** Also write the copy's changes into the repo as one commit (the caller refused a dirty tree first). */
  write: boolean;
}

export async function rehearseUpgrade(o: UpgradeOptions): Promise<UpgradeReport> {
  const repo = await readRepoFile(o.valuesDir);
  const keys = new AgeKeys(repo.root, o.ageKeyFile);
  return withScratchDir('upgrade', async (scratch) => {
    const copy = await copyRepo(repo.root, scratch);
    const file = join(copy, repoFileName);
    await writeFile(file, movePins(await readFile(file, 'utf8'), [o.cluster], o.to.version).text);

    log.start(`migrating a copy of the values with core ${o.to.version}`);
    const migrations = await o.to.migrate(copy);
    // Read plainly: its schema is the new core's, which this core may not know all of.
    const after = parse(await readFile(file, 'utf8')) as RepoPins;
    const changes = await changedFiles(repo.root, copy, keys);

    log.start(`rendering ${o.cluster} with core ${o.from.version} and with core ${o.to.version}`);
    const [current, next] = await Promise.all([
      o.from.render(repo.root, o.cluster),
      o.to.render(copy, o.cluster),
    ]);
    log.start(`reading what is deployed on ${o.cluster}`);
    const deployed = await deployedRenders(o, [...current.releases, ...next.releases]);

    const labels = (from: string) => ({ labels: { from, to: `core ${o.to.version}` } });
    const report: UpgradeReport = {
      cluster: o.cluster,
      from: { core: o.from.version, contract: repoContract(repo) },
      to: { core: o.to.version, contract: after.contract ?? 0 },
      newCore: { ...(o.to.image ? { image: o.to.image } : {}), verified: o.verified },
      migrations,
      values: changes.map(({ written: _w, ...c }) => c),
      render: compareRenders(current.releases, next.releases, {
        ...labels(`core ${o.from.version}`),
        varying: current.varying,
      }),
      live: compareRenders(deployed, next.releases, { ...labels('deployed'), varying: current.varying }),
      otherClusters: otherClusters(
        after,
        o.cluster,
        o.to.version,
        repoContract(repo) !== (after.contract ?? 0),
      ),
    };
    if (o.write) report.written = await writeUpgrade(repo.root, changes, report);
    return report;
  });
}

/** When the contract moved, every other cluster pinned to another core than VERSION reads an older one. */
interface RepoPins {
  core: string;
  contract?: number;
  clusters: Record<string, { core?: string }>;
}

function otherClusters(
  file: RepoPins,
  cluster: string,
  version: string,
  contractMoved: boolean,
): { cluster: string; core: string }[] {
  if (!contractMoved) return [];
  return Object.entries(file.clusters)
    .map(([name, c]) => ({ cluster: name, core: c.core ?? file.core }))
    .filter((c) => c.cluster !== cluster && c.core !== version);
}

/** helm's stored manifest of every release either core renders (core/diff's deployed side). */
async function deployedRenders(o: UpgradeOptions, releases: ReleaseRender[]): Promise<ReleaseRender[]> {
  const unique = [...new Map(releases.map((r) => [`${r.namespace}/${r.name}`, r])).values()];
  const read = await mapLimit(unique, 8, async (r) => {
    const manifest = await o.deployedManifest(r.name, r.namespace);
    return manifest === undefined ? [] : [{ ...r, manifest }];
  });
  return read.flat();
}

/** The copy's changes into the repo and one commit: the pin, the migrated files, the contract. */
async function writeUpgrade(
  root: string,
  changes: readonly FileChange[],
  report: UpgradeReport,
): Promise<{ files: string[]; commit?: string }> {
  for (const c of changes) {
    await mkdir(dirname(join(root, c.path)), { recursive: true });
    await writeFile(join(root, c.path), c.written);
  }
  const files = changes.map((c) => c.path);
  const contract =
    report.from.contract === report.to.contract
      ? ''
      : ` (values contract ${report.from.contract} → ${report.to.contract})`;
  const lines = report.migrations.map((m) => `- ${m.to}: ${m.title}`);
  const message = `runlevel upgrade: cluster ${report.cluster} to core ${report.to.core}${contract}\n\n${
    lines.length > 0
      ? `Migrations by core ${report.to.core}:\n${lines.join('\n')}\n`
      : 'No values migration.\n'
  }`;
  return { files, ...(await commitFiles(root, files, message)) };
}
