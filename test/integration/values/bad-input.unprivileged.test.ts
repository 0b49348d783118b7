// Bad input that needs root's power to read any file dropped: a file its owner made unreadable.
// Named *.unprivileged.test.ts so the private-clone self-check runs it again from a 0700 directory.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import { type Case, runCorpus } from '../../helpers/bad-input.js';

const cases: Record<string, Case> = {
  'a values file nobody may read': {
    files: { 'clusters/dev/settings.yaml': '# dev\n' },
    prepare(repo) {
      chmodSync(join(repo, 'common/teams/alpha.yaml'), 0o000);
    },
    unprivileged: true,
    code: 2,
    where: 'common/teams/alpha.yaml:1:1',
    message: 'cannot be read: permission denied (EACCES)',
    also: ['make it readable for the user runlevel runs as'],
  },
};

runCorpus(cases);
test.run();
