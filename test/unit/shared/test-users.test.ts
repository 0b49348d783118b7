// Keeps every test that runs a command as another user or with dropped privileges where the
// private-clone self-check (test/integration/checkout/private-clone.test.ts) runs it again from a
// 0700 directory (issue 25): one helper drops privileges, and only *.unprivileged.test.ts use it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { installRoot } from '../../../core/shared/paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'golden' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** What changes the user a command runs as, and the only files allowed to say it, with why. */
const rules: { what: RegExp; allowed: (file: string) => boolean; why: string }[] = [
  {
    what: /\b(setpriv|runuser|sudo|capsh|chroot|chown|chownSync)\b|--re?uid|\buid:\s*\d|\bgid:|\bsu\s+-/,
    // user-line.test.ts runs the README's docker line as a real non-root user: its HOME, kubeconfig
    // and a link to the engine's socket are prepared in a scratch directory it opens itself, and
    // nothing of the checkout is used (PATH without it), so a 0700 parent does not matter.
    allowed: (f) => f === 'test/helpers/unprivileged.ts' || f === 'test/image/user-line.test.ts',
    why: 'drop privileges through test/helpers/unprivileged.ts (it needs no second user)',
  },
  {
    what: /['"]--user['"]/,
    // The container's user reads bind mounts, which need no traversal of the host's parents; the
    // helper copies what it mounts into directories it opens itself (readableCopies, writableDir).
    allowed: (f) => f === 'test/image/docker.ts',
    why: 'run containers through test/image/docker.ts, which prepares what its user reads',
  },
  {
    what: /\bunprivileged(Prefix\(\)|: true)/,
    allowed: (f) => f.endsWith('.unprivileged.test.ts') || f.startsWith('test/helpers/'),
    why: 'name the test file *.unprivileged.test.ts so the 0700-clone self-check runs it',
  },
];

test('only the unprivileged helper changes users, and only *.unprivileged.test.ts use it', () => {
  const self = 'test/unit/shared/test-users.test.ts';
  const bad: string[] = [];
  for (const path of sources(join(installRoot, 'test'))) {
    const file = relative(installRoot, path);
    if (file === self) continue;
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const r of rules) {
          if (r.what.test(line) && !r.allowed(file))
            bad.push(`${file}:${i + 1}: ${line.trim()}\n  → ${r.why}`);
        }
      });
  }
  assert.equal(bad, [], bad.join('\n'));
});

test('the rules catch what they are for', () => {
  const hits = (line: string) => rules.filter((r) => r.what.test(line)).length;
  assert.is(hits("execa('bin/runlevel', [], { uid: 65534, gid: 65534 })"), 1);
  assert.is(hits("['setpriv', '--reuid', '65534']"), 1);
  assert.is(hits('chownSync(home, otherUid, otherUid);'), 1);
  assert.is(hits("argv.push('--user', '65532:65532')"), 1);
  assert.is(hits('    unprivileged: true,'), 1);
  assert.is(hits('{ uid: opts.uid, gid: opts.uid }'), 1);
  assert.is(hits("metadata: { uid: 'u-1' }"), 0);
});

test.run();
