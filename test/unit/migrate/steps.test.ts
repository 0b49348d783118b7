// Each kind of migration step on YAML with comments, blank lines, quoting and unusual layout: the
// output is compared whole (the golden is the expected text), so a comment or a space changed
// anywhere outside the migrated lines fails the test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isMap } from 'yaml';
import { migrateFiles, setContract } from '../../../core/migrate/apply.js';
import type { Migration, Step, ValuesFile } from '../../../core/migrate/types.js';

const file = (path: string, text: string, placement: string[] = []): ValuesFile => ({
  path,
  placement,
  text,
  encrypted: false,
});
const one = (steps: Step[]): Migration[] => [{ to: 1, title: 't', why: 'w', steps }];

function migrate(files: ValuesFile[], steps: Step[]): Map<string, string> {
  const r = migrateFiles(files, one(steps));
  assert.equal(r.problems, []);
  return new Map(r.changed.map((f) => [f.path, f.text]));
}

/** Lines of `before` that are not in `after`, and the other way round: what the migration touched. */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) };
}

const settings = `# Platform settings, shared by every cluster.

platform:
    # Keycloak and the auth proxy.
    sso:
        enabled: true   # spaced comment, kept as written
        realm: 'shop'
        # Where Keycloak answers.
        hostname: login.example.com # set per cluster in prod


    ingress: {className: nginx, enabled: true}
teams:
- shop
`;

test('rename: the key changes in place; comments, quotes, blank lines and layout stay', () => {
  const out = migrate(
    [file('common/settings.yaml', settings)],
    [{ kind: 'rename', path: ['platform', 'sso', 'realm'], to: 'realmName' }],
  );
  assert.is(out.get('common/settings.yaml'), settings.replace("realm: 'shop'", "realmName: 'shop'"));
});

test('rename inside a flow map changes that map alone', () => {
  const out = migrate(
    [file('common/settings.yaml', settings)],
    [{ kind: 'rename', path: ['platform', 'ingress', 'className'], to: 'class' }],
  );
  assert.is(
    out.get('common/settings.yaml'),
    settings.replace('{className: nginx, enabled: true}', '{ class: nginx, enabled: true }'),
  );
});

test('move: the value goes with its comments; every other line is untouched', () => {
  const out = migrate(
    [file('common/settings.yaml', settings)],
    [
      {
        kind: 'move',
        from: ['platform', 'sso', 'hostname'],
        to: ['platform', 'sso', 'keycloak', 'hostname'],
      },
    ],
  );
  const after = out.get('common/settings.yaml') ?? '';
  assert.is(
    after,
    `# Platform settings, shared by every cluster.

platform:
    # Keycloak and the auth proxy.
    sso:
        enabled: true   # spaced comment, kept as written
        realm: 'shop'
        keycloak:
            # Where Keycloak answers.
            hostname: login.example.com # set per cluster in prod


    ingress: {className: nginx, enabled: true}
teams:
- shop
`,
  );
  assert.equal(changedLines(settings, after), {
    removed: [
      '        # Where Keycloak answers.',
      '        hostname: login.example.com # set per cluster in prod',
    ],
    added: [
      '        keycloak:',
      '            # Where Keycloak answers.',
      '            hostname: login.example.com # set per cluster in prod',
    ],
  });
});

test('move: a map left empty by the move goes; a destination already set is a problem, not a guess', () => {
  const text = '# top\nold:\n  inner:\n    x: 1 # one\nkeep: true\n';
  const out = migrate(
    [file('common/settings.yaml', text)],
    [{ kind: 'move', from: ['old', 'inner', 'x'], to: ['fresh', 'x'] }],
  );
  assert.is(out.get('common/settings.yaml'), '# top\nkeep: true\nfresh:\n  x: 1 # one\n');

  const both = '# both\na: 1\nb: 2\n';
  const r = migrateFiles(
    [file('common/settings.yaml', both)],
    one([{ kind: 'move', from: ['a'], to: ['b'] }]),
  );
  assert.equal(
    r.problems.map((p) => [p.where?.line, p.message]),
    [[2, 'a cannot be migrated: b is set too']],
  );
});

test('delete: the key and its value go, the rest stays', () => {
  const out = migrate(
    [file('common/settings.yaml', settings)],
    [{ kind: 'delete', path: ['platform', 'sso', 'enabled'] }],
  );
  assert.is(
    out.get('common/settings.yaml'),
    settings.replace('        enabled: true   # spaced comment, kept as written\n', ''),
  );
});

test('setDefault: written to common/settings.yaml only when no file of any layer sets it', () => {
  const files = [
    file('common/settings.yaml', settings),
    file('clusters/dev/settings.yaml', '# dev\nplatform:\n  drift:\n    ignore: []\n'),
  ];
  const step: Step = { kind: 'setDefault', path: ['platform', 'agent', 'interval'], value: '5m' };
  const out = migrate(files, [step]);
  assert.equal([...out.keys()], ['common/settings.yaml']);
  assert.is(
    out.get('common/settings.yaml'),
    settings.replace('enabled: true}\n', 'enabled: true}\n    agent:\n        interval: 5m\n'),
  );

  const set = migrate(files, [{ kind: 'setDefault', path: ['platform', 'drift', 'ignore'], value: ['x'] }]);
  assert.is(set.size, 0, 'a cluster sets it: nothing is written');
});

test('paths reach into teams/, apps/ files by their placement, and into settings files in full', () => {
  const app = '# web\nautoscaling:\n  # aim\n  targetCPUUtilizationPercentage: 70 # tuned\n';
  const cluster = '# prod\napps:\n  web:\n    autoscaling:\n      targetCPUUtilizationPercentage: 65\n';
  const team = '# a team file holds no apps.* values\nautoscaling:\n  targetCPUUtilizationPercentage: 1\n';
  const out = migrate(
    [
      file('common/apps/web.yaml', app, ['apps', 'web']),
      file('clusters/prod/settings.yaml', cluster),
      file('common/teams/shop.yaml', team, ['teams', 'shop']),
    ],
    [
      {
        kind: 'rename',
        path: ['apps', '*', 'autoscaling', 'targetCPUUtilizationPercentage'],
        to: 'targetCPUPercent',
      },
    ],
  );
  assert.equal([...out.keys()], ['common/apps/web.yaml', 'clusters/prod/settings.yaml']);
  assert.is(
    out.get('common/apps/web.yaml'),
    app.replace('targetCPUUtilizationPercentage', 'targetCPUPercent'),
  );
  assert.is(
    out.get('clusters/prod/settings.yaml'),
    cluster.replace('targetCPUUtilizationPercentage', 'targetCPUPercent'),
  );
});

test('function: anything else, on the document, with the same splice', () => {
  const text = '# quotas\nquota:\n  cpu: 4 # cores\n  memory: 8Gi\n';
  const out = migrate(
    [file('common/teams/shop.yaml', text, ['teams', 'shop'])],
    [
      {
        kind: 'function',
        describe: 'cpu as a string',
        covers: [['teams', '*', 'quota', 'cpu']],
        apply(doc) {
          const quota = doc.get('quota', true);
          if (isMap(quota) && typeof quota.get('cpu') === 'number')
            quota.set('cpu', String(quota.get('cpu')));
        },
      },
    ],
  );
  assert.is(out.get('common/teams/shop.yaml'), '# quotas\nquota:\n  cpu: "4" # cores\n  memory: 8Gi\n');
});

test('a file the migration does not touch is not in the result, whatever its layout', () => {
  const odd = '# odd\nlist:\n- a\n-   b\nmap: {   x: 1 }\n';
  const r = migrateFiles([file('common/settings.yaml', odd)], one([{ kind: 'delete', path: ['nothing'] }]));
  assert.equal(r.changed, []);
});

test('a YAML error is a problem with its place, and nothing is migrated', () => {
  const r = migrateFiles([file('common/settings.yaml', 'a: [1\n')], one([{ kind: 'delete', path: ['a'] }]));
  assert.is(r.changed.length, 0);
  assert.is(r.problems[0]?.where?.file, 'common/settings.yaml');
});

test('where the library re-emits a neighbour of a changed line differently, the file says so', () => {
  const text = '# odd\na:\n  list: [1,\n    2]\n  old: x\nb: 1\n';
  const r = migrateFiles(
    [file('common/settings.yaml', text)],
    one([{ kind: 'rename', path: ['a', 'old'], to: 'new' }]),
  );
  assert.equal(
    r.changed.map((f) => [f.text, f.reformatted]),
    [['# odd\na:\n  list: [ 1, 2 ]\n  new: x\nb: 1\n', true]],
  );
});

test('setContract: written after core:, or changed where it is', () => {
  const repo = '# pin\ncore: "0.1.0" # the release\n\nclusters:\n  dev: {environment: dev}\n';
  assert.is(
    setContract(repo, 2),
    '# pin\ncore: "0.1.0" # the release\ncontract: 2\n\nclusters:\n  dev: {environment: dev}\n',
  );
  assert.is(setContract(setContract(repo, 1), 2), setContract(repo, 2));
  assert.is(
    setContract('core: "1.0.0"\ncontract: 1 # moved by migrate\n', 2),
    'core: "1.0.0"\ncontract: 2 # moved by migrate\n',
  );
});

test.run();
