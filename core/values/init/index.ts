// `runlevel init`: a new values repo from values-template/ that passes validation at once, with
// secrets encrypted to a fresh age key kept outside the repo, editor schemas, and a first commit.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import Handlebars from 'handlebars';
import { UserError } from '../../shared/errors.js';
import { log } from '../../shared/log.js';
import { coreRoot } from '../../shared/paths.js';
import { ageKeyFileText, generateAgeIdentity } from '../age-key.js';
import { parseKeys } from '../age-keys.js';
import { contractVersion } from '../contract.js';
import { resolveValues } from '../index.js';
import { defaultAgeKeyFile, encrypt } from '../secrets.js';
import { schemaFile } from '../validate.js';
import { editorSchemaDir, editorSchemas } from './editor-schemas.js';
import { commitAll } from './git.js';

export const templateDir = join(coreRoot, 'values-template');

export interface InitOptions {
  dir: string;
  cluster: string;
  environment: string;
  domain: string;
  ageKeyFile?: string; // default: <key directory>/<repo-name>.key (values/age-keys.ts: ageKeyDir)
  coreVersion: string;
  runlevelBin: string; // for the pre-commit hook when runlevel is not on PATH
}

export interface InitResult {
  dir: string;
  ageKeyFile: string;
  ageKeyCreated: boolean;
  recipient: string;
  files: string[];
  commit: string;
}

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const hostname = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

export function checkInitOptions(o: Pick<InitOptions, 'cluster' | 'environment' | 'domain'>): void {
  const problems = [];
  if (!label.test(o.cluster) || o.cluster.length > 63)
    problems.push({ message: `--cluster "${o.cluster}" is not a DNS-1123 label` });
  if (!label.test(o.environment) || o.environment.length > 63) {
    problems.push({ message: `--environment "${o.environment}" is not a DNS-1123 label` });
  }
  if (!hostname.test(o.domain))
    problems.push({ message: `--domain "${o.domain}" is not a DNS host name such as dev.example.com` });
  if (problems.length > 0) {
    throw new UserError('invalid init options', {
      problems,
      hint: "use lower-case letters, digits, '-' (and '.' in the domain)",
    });
  }
}

export async function initValuesRepo(o: InitOptions): Promise<InitResult> {
  checkInitOptions(o);
  const dir = resolve(o.dir);
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new UserError(`${o.dir} is not empty`, {
      hint: 'runlevel init only creates new values repos: pick a new or empty directory',
    });
  }
  const keyFile = resolve(o.ageKeyFile ?? defaultAgeKeyFile(dir));
  if (keyFile === dir || keyFile.startsWith(dir + sep)) {
    throw new UserError(`the age key ${keyFile} would be inside the values repo`, {
      hint: 'keep the key outside the repo: it decrypts every secret',
    });
  }
  const { recipient, created } = await ensureAgeKey(keyFile);
  const dirExisted = existsSync(dir);
  try {
    return await scaffold(o, dir, keyFile, recipient, created);
  } catch (err) {
    // No half-made repo and no orphan key: remove what this run created, then report.
    await rm(dirExisted ? join(dir, '.git') : dir, { recursive: true, force: true });
    if (dirExisted)
      for (const e of await readdir(dir)) await rm(join(dir, e), { recursive: true, force: true });
    if (created) await rm(keyFile, { force: true });
    throw err;
  }
}

async function scaffold(
  o: InitOptions,
  dir: string,
  keyFile: string,
  recipient: string,
  created: boolean,
): Promise<InitResult> {
  const repoName = basename(dir);

  const context = {
    core: o.coreVersion,
    contract: contractVersion,
    repoName,
    cluster: o.cluster,
    environment: o.environment,
    domain: o.domain,
    ageRecipient: recipient,
    runlevelBin: o.runlevelBin,
    // generated here and only ever written encrypted
    secrets: { ssoAdminPassword: randomBytes(18).toString('base64url') },
  };
  log.redact(context.secrets.ssoAdminPassword);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const templates = await listTemplates(templateDir);
  // .sops.yaml first: encrypting the secret files reads its creation rule.
  templates.sort((a, b) => Number(b === '.sops.yaml.hbs') - Number(a === '.sops.yaml.hbs'));
  for (const template of templates) {
    const rel = Handlebars.compile(template.replace(/\.hbs$/, ''), { noEscape: true })(context);
    const text = Handlebars.compile(await readFile(join(templateDir, template), 'utf8'), {
      noEscape: true,
      strict: true,
    })(context);
    const out = rel.endsWith('.sops.yaml') && rel !== '.sops.yaml' ? await encrypt(dir, rel, text) : text;
    await writeAt(dir, rel, out);
    if (rel.startsWith('.githooks/')) await chmod(join(dir, rel), 0o755);
    files.push(rel);
  }
  const schema = JSON.parse(await readFile(join(coreRoot, schemaFile), 'utf8'));
  for (const [name, text] of Object.entries(editorSchemas(schema))) {
    await writeAt(dir, `${editorSchemaDir}/${name}`, text);
    files.push(`${editorSchemaDir}/${name}`);
  }
  // The promise of init: what it wrote validates. Checked here, before the first commit.
  await resolveValues({ valuesDir: dir, cluster: o.cluster, ageKeyFile: keyFile });
  const commit = await commitAll(dir, `runlevel init: cluster ${o.cluster} (environment ${o.environment})`);
  return { dir, ageKeyFile: keyFile, ageKeyCreated: created, recipient, files: files.sort(), commit };
}

/** A new key, or the recipient of an existing one (never overwritten: it may guard other repos). */
async function ensureAgeKey(keyFile: string): Promise<{ recipient: string; created: boolean }> {
  if (existsSync(keyFile)) {
    // The recipient derived from the identity itself: a "# public key:" comment may be missing or stale.
    const found = parseKeys(await readFile(keyFile, 'utf8'));
    const recipient = found.state === 'keys' ? found.recipients[0] : undefined;
    if (!recipient) {
      throw new UserError(`${keyFile} exists but holds no age identity (AGE-SECRET-KEY-1…)`, {
        hint: 'pass --age-key-file with a new path, or an age-keygen key file',
      });
    }
    return { recipient, created: false };
  }
  const id = generateAgeIdentity();
  try {
    await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
    await writeFile(keyFile, ageKeyFileText(id), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!['EROFS', 'EACCES', 'EPERM', 'ENOENT', 'ENOTDIR'].includes(code ?? '')) throw err;
    // In the image the key directory is /keys: nothing but a mount makes it writable (--read-only).
    throw new UserError(`cannot write the new age key ${keyFile} (${code})`, {
      hint:
        process.env.RUNLEVEL_IN_IMAGE === 'true'
          ? 'mount a directory of yours for it at /keys: `mkdir -p ~/.config/runlevel/age` and `docker run … -v ~/.config/runlevel/age:/keys …` (README, "Run it the way users do")'
          : 'pass --age-key-file with a path you can write, outside the repo',
    });
  }
  return { recipient: id.recipient, created: true };
}

async function listTemplates(root: string, sub = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(root, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listTemplates(root, rel)));
    else if (e.name.endsWith('.hbs')) out.push(rel);
  }
  return out.sort();
}

async function writeAt(dir: string, rel: string, text: string): Promise<void> {
  const file = join(dir, rel);
  if (relative(dir, file).startsWith('..')) throw new Error(`template path escapes the repo: ${rel}`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, { flag: 'wx' });
}
