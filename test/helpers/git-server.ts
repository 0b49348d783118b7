// Starts and stops the real git server (git-http-server.ts) by PID, and keeps a working clone the
// test pushes from: commits, a force-push, SSH-signed and unsigned commits.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

export interface GitServer {
  readonly url: string;
  readonly root: string;
  /** A clone to commit in and push from. */
  readonly work: string;
  pid(): number | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Write files (path → text; null deletes), commit them and push. Returns the commit. */
  commit(files: Record<string, string | null>, message: string, opts?: { sign?: boolean }): Promise<string>;
  /** Replace the branch's last commit with another one and force-push. */
  forcePush(files: Record<string, string | null>, message: string): Promise<string>;
  /** An SSH key pair signing commits, and an allowed_signers file naming it. */
  readonly allowedSigners: string;
  remove(): Promise<void>;
}

const serverScript = join(import.meta.dirname, 'git-http-server.js');

export async function startGitServer(
  opts: { branch?: string; auth?: string; seed?: string } = {},
): Promise<GitServer> {
  const branch = opts.branch ?? 'main';
  const base = await mkdtemp(join(tmpdir(), 'runlevel-git-'));
  const root = join(base, 'srv');
  const bare = join(root, 'values.git');
  const work = join(base, 'work');
  await mkdir(root, { recursive: true });
  await execa('git', ['init', '-q', '--bare', `--initial-branch=${branch}`, bare]);
  await execa('git', ['-C', bare, 'config', 'http.receivepack', 'true']);
  await execa('git', ['-C', bare, 'config', 'uploadpack.allowFilter', 'true']);

  // The signing key: ssh-keygen -Y sign through git's gpg.format=ssh.
  const key = join(base, 'signer');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'signer@test', '-f', key]);
  const pub = (await execa('cat', [`${key}.pub`])).stdout.trim();
  const allowedSigners = join(base, 'allowed_signers');
  await writeFile(allowedSigners, `signer@test ${pub}\n`);

  await mkdir(work, { recursive: true });
  // A seed is a directory of files to start from (a values repo); its own .git stays behind.
  if (opts.seed) {
    await execa('cp', ['-a', `${opts.seed}/.`, work]);
    await rm(join(work, '.git'), { recursive: true, force: true });
  }
  const g = (...args: string[]) => execa('git', ['-C', work, ...args]);
  await g('init', '-q', `--initial-branch=${branch}`);
  await g('config', 'user.email', 'dev@test');
  await g('config', 'user.name', 'dev');
  await g('config', 'user.signingkey', `${key}.pub`);
  await g('config', 'gpg.format', 'ssh');
  await g('config', 'commit.gpgsign', 'false');

  let child: ChildProcess | undefined;
  let port = 0;
  const start = async () => {
    const c = spawn(process.execPath, [serverScript, root, String(port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...(opts.auth ? { RUNLEVEL_TEST_GIT_AUTH: opts.auth } : {}) },
    });
    child = c;
    port = await new Promise<number>((resolve, reject) => {
      c.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      c.once('exit', (code) => reject(new Error(`git server exited ${code}`)));
    });
  };
  await start();
  const auth = opts.auth ? `${opts.auth}@` : '';
  const pushUrl = () => `http://${auth}127.0.0.1:${port}/values.git`;
  const url = `http://127.0.0.1:${port}/values.git`;

  const write = async (files: Record<string, string | null>) => {
    for (const [path, text] of Object.entries(files)) {
      const p = join(work, path);
      if (text === null) await rm(p, { force: true });
      else {
        await mkdir(dirname(p), { recursive: true });
        await writeFile(p, text);
      }
    }
    await g('add', '-A');
  };
  const head = async () => (await g('rev-parse', 'HEAD')).stdout.trim();

  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
    child = undefined;
  };

  return {
    url,
    root,
    work,
    allowedSigners,
    pid: () => child?.pid,
    stop,
    start,
    async commit(files, message, o = {}) {
      await write(files);
      await g('commit', '-q', '--allow-empty', ...(o.sign ? ['-S'] : []), '-m', message);
      await g('push', '-q', pushUrl(), `HEAD:refs/heads/${branch}`);
      return head();
    },
    async forcePush(files, message) {
      await write(files);
      await g('commit', '-q', '--amend', '--allow-empty', '-m', message);
      await g('push', '-q', '--force', pushUrl(), `HEAD:refs/heads/${branch}`);
      return head();
    },
    async remove() {
      await stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}
