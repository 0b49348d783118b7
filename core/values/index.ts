// The values stage: values repo in, merged and validated ResolvedValues out, with the origin of
// every value. load → decrypt → merge (pure) → defaults + schema → cross-field rules.
import { log } from '../shared/log.js';
import { enforceContract } from './contract.js';
import { type ImageLock, imageLockFile, readImageLock } from './image-lock.js';
import { missingLayers, warningText } from './layer-dirs.js';
import { type LayerEntry, listLayer, type Repo } from './load.js';
import { loadFile } from './load-file.js';
import { mergeLayers } from './merge.js';
import { child, isMap, type Origin, type Origins, parsePointer, pointer, type Value } from './model.js';
import { plainSecretProblems, secretFieldPaths } from './plain-secrets.js';
import { problemAt } from './problems.js';
import { clusterEntry, invalid, type OpenedRepo, readRepoFile, repoFileName } from './repo.js';
import { crossFieldProblems } from './rules.js';
import { secretFieldPointers } from './secret-fields.js';
import { AgeKeys, registerSecrets } from './secrets.js';
import type { ResolvedValues } from './types.generated.js';
import type { Loaded } from './types.js';
import { schemaFile, schemaProblems, validators } from './validate.js';

export type { ImageLock } from './image-lock.js';
export type { Origin, Origins } from './model.js';
export type * from './types.generated.js';

export interface ResolveOptions {
  valuesDir: string;
  cluster: string | undefined;
  ageKeyFile?: string | undefined;
  /** Warnings (a layer directory that does not exist) are errors too. */
  strict?: boolean;
}

export interface Resolved {
  cluster: string;
  environment: string;
  values: ResolvedValues;
  /**
   * Secret values as text, already registered with log.redact: the leaves of *.sops.yaml files
   * (strings and numbers) and the values of the schema's secret fields (writeOnly).
   */
  secrets: string[];
  /** JSON pointer → where the value was set; defaults point at the schema. */
  origins: Origins;
  /** JSON pointers of leaves set by a *.sops.yaml file or sitting at a secret field of the schema. */
  secretPaths: Set<string>;
  /** Files merged, in order. */
  files: string[];
  /**
   * The text of every file the values came from (runlevel.yaml and the files merged; ciphertext
   * for *.sops.yaml), by repo-relative path: later stages show code frames without reading disk.
   */
  texts: ReadonlyMap<string, string>;
  /**
   * images.lock.yaml at the repo root, when there is one: the digest of each image, which the
   * registry-mirror rewrite adds to the mirrored reference (core/shared/images/rewrite.ts).
   */
  imageLock?: ImageLock;
}

/** A values repo opened once; resolving several clusters reuses the files they share. */
export class ValuesRepo {
  private cache = new Map<string, Promise<Loaded>>();

  private constructor(
    private readonly repo: OpenedRepo,
    private readonly ageKeys: AgeKeys,
    private readonly strict: boolean,
  ) {}

  static async open(
    valuesDir: string,
    ageKeyFile?: string,
    opts: { strict?: boolean } = {},
  ): Promise<ValuesRepo> {
    const repo = await readRepoFile(valuesDir);
    enforceContract(repo);
    return new ValuesRepo(repo, new AgeKeys(repo.root, ageKeyFile), opts.strict === true);
  }

  get root(): string {
    return this.repo.root;
  }

  get clusters(): string[] {
    return Object.keys(this.repo.file.clusters);
  }

  async resolve(cluster: string | undefined): Promise<Resolved> {
    const { name, environment } = clusterEntry(this.repo, cluster);
    const scope: Repo = { root: this.repo.root, texts: this.repo.texts, problems: [] };
    const warnings = missingLayers(this.repo, name, environment);
    if (this.strict) scope.problems.push(...warnings);
    else for (const w of warnings) log.warn(warningText(w), { where: w.where, hint: w.hint });
    const entries = [
      ...(await listLayer(scope, 'common', 'common')),
      ...(await listLayer(scope, `environments/${environment}`, 'environment')),
      ...(await listLayer(scope, `clusters/${name}`, 'cluster')),
    ];
    const [imageLock, ...loaded] = await Promise.all([
      readImageLock(scope),
      ...entries.map((e) => this.load(e)),
    ]);
    const secrets = loaded.flatMap((l) => l.secrets);
    registerSecrets(secrets);
    for (const l of loaded) scope.problems.push(...l.problems);
    if (scope.problems.length > 0) throw invalid(`values for cluster "${name}" cannot be read`, scope);

    const trees = loaded.flatMap((l) => (l.tree ? [l.tree] : []));
    const merged = mergeLayers(trees);
    const values = merged.value as { [key: string]: Value };
    const origins = merged.origins;
    // The schema's secret fields are secrets wherever they were set: masked from here on.
    const fieldSecrets = secretFieldValues(values);
    registerSecrets(fieldSecrets.values);
    secrets.push(...fieldSecrets.values.filter((s) => !secrets.includes(s)));
    this.fillCluster(values, origins, name, environment, scope);

    const at = { origins, texts: this.repo.texts };
    const plainSecrets = plainSecretProblems(trees, this.repo.texts, secretFieldPaths(validators().schema));
    registerSecrets(plainSecrets.values);
    scope.problems.push(...plainSecrets.problems);
    const check = validators().values;
    // The schema's validator is the type guard: values it passes are ResolvedValues.
    const valid = check(values);
    if (!valid) scope.problems.push(...schemaProblems(check.errors ?? [], at));
    markDefaults(values, '', origins);
    deriveDefaults(values, origins);
    scope.problems.push(...crossFieldProblems(values, at));
    if (!valid || scope.problems.length > 0) throw invalid(`values for cluster "${name}" are invalid`, scope);

    const secretPaths = new Set<string>();
    for (const [ptr, o] of origins) if (o.file.endsWith('.sops.yaml')) secretPaths.add(ptr);
    for (const ptr of fieldSecrets.pointers) secretPaths.add(ptr);
    const files = trees.map((t) => t.file);
    const texts = new Map<string, string>();
    for (const file of [repoFileName, ...files, ...(imageLock ? [imageLockFile] : [])]) {
      const text = this.repo.texts.get(file);
      if (text !== undefined) texts.set(file, text);
    }
    return {
      cluster: name,
      environment,
      values,
      secrets,
      origins,
      secretPaths,
      files,
      texts,
      ...(imageLock ? { imageLock } : {}),
    };
  }

  /** cluster.name and cluster.environment come from runlevel.yaml; a different value in a layer is an error. */
  private fillCluster(
    values: { [key: string]: Value },
    origins: Origins,
    name: string,
    environment: string,
    scope: Repo,
  ) {
    if (values.cluster === undefined) {
      values.cluster = {};
      const o = this.repo.origins.get(pointer(['clusters', name]));
      if (o) origins.set('/cluster', { ...o, ...(o.key ?? {}) });
    }
    const cluster = values.cluster;
    if (!isMap(cluster)) return; // the schema reports it
    for (const [key, want] of [
      ['name', name],
      ['environment', environment],
    ] as const) {
      const have = cluster[key];
      const o = origins.get(pointer(['cluster', key]));
      if (have !== undefined && have !== want) {
        scope.problems.push(
          problemAt(
            this.repo.texts,
            o,
            `cluster.${key} is "${String(have)}" but runlevel.yaml says "${want}"`,
            {
              path: `cluster.${key}`,
              hint: `remove it: cluster.${key} is filled in from runlevel.yaml`,
            },
          ),
        );
      }
      cluster[key] = want;
      const from = this.repo.origins.get(
        pointer(key === 'name' ? ['clusters', name] : ['clusters', name, 'environment']),
      );
      if (from)
        origins.set(pointer(['cluster', key]), key === 'name' && from.key ? { ...from, ...from.key } : from);
    }
  }

  private load(entry: LayerEntry): Promise<Loaded> {
    let p = this.cache.get(entry.file);
    if (!p) {
      p = loadFile(this.repo, entry, this.ageKeys);
      this.cache.set(entry.file, p);
    }
    return p;
  }
}

/** Resolve one cluster of a values repo. */
export async function resolveValues(opts: ResolveOptions): Promise<Resolved> {
  const repo = await ValuesRepo.open(opts.valuesDir, opts.ageKeyFile, { strict: opts.strict });
  return repo.resolve(opts.cluster);
}

/** The leaves at the schema's secret fields (writeOnly), as pointers and as text to mask. */
function secretFieldValues(values: { [key: string]: Value }): { pointers: string[]; values: string[] } {
  const pointers = secretFieldPointers(values, validators().schema);
  const texts = pointers.flatMap((ptr) => {
    let v: Value | undefined = values;
    for (const part of parsePointer(ptr))
      v = isMap(v) ? v[part] : Array.isArray(v) ? v[Number(part)] : undefined;
    return typeof v === 'string' || typeof v === 'number' ? [String(v)] : [];
  });
  return { pointers, values: texts.filter((t) => t.length > 0) };
}

/** Nodes without an origin were filled in from schema defaults. */
function markDefaults(value: Value | undefined, ptr: string, origins: Origins): void {
  if (!origins.has(ptr)) origins.set(ptr, defaultOrigin);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) markDefaults(v, child(ptr, String(i)), origins);
  } else if (isMap(value)) {
    for (const k of Object.keys(value)) markDefaults(value[k], child(ptr, k), origins);
  }
}

const defaultOrigin: Origin = { file: schemaFile, line: 0, col: 0, layer: 'defaults' };

/** Defaults that depend on other values. */
function deriveDefaults(values: { [key: string]: Value }, origins: Origins): void {
  const cluster = values.cluster;
  const platform = values.platform;
  const sso = isMap(platform) ? platform.sso : undefined;
  const keycloak = isMap(sso) ? sso.keycloak : undefined;
  if (isMap(keycloak) && keycloak.hostname === '' && isMap(cluster) && typeof cluster.domain === 'string') {
    keycloak.hostname = `keycloak.${cluster.domain}`;
    origins.set('/platform/sso/keycloak/hostname', { file: schemaFile, line: 0, col: 0, layer: 'defaults' });
  }
}
