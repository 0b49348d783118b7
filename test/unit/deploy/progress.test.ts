// The summary table that closes every deploy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { summaryListsUnchangedUpTo, summaryTable } from '../../../core/deploy/progress.js';
import { formatTable } from '../../../core/shared/table.js';

const row = (name: string, action: string) => ({ name, runlevel: '90-apps', action, seconds: 0.5 });

test('a small deploy lists every release and tallies the actions', () => {
  const text = summaryTable([row('web', 'upgraded'), row('api', 'unchanged')], 3.25);
  assert.match(text, /^web\s+90-apps\s+upgraded\s+0\.5s$/m);
  assert.match(text, /^api\s+90-apps\s+unchanged/m);
  assert.match(text, /total 3\.3s: 1 upgraded, 1 unchanged$/);
});

test('columns fit the longest runlevel and release names (a runlevel longer than 12 characters)', () => {
  const rows = [
    { name: 'web', runlevel: '20-ingress-nginx-controller', action: 'upgraded', seconds: 1 },
    { name: 'kube-prometheus-stack-operator', runlevel: '90-apps', action: 'unchanged', seconds: 0.25 },
  ];
  const lines = summaryTable(rows, 2).split('\n');
  const actionAt = (line: string | undefined, word: string) => line?.indexOf(word) ?? -1;
  const column = actionAt(lines[0], 'ACTION');
  assert.ok(
    column > '20-ingress-nginx-controller'.length + 'kube-prometheus-stack-operator'.length,
    lines[0],
  );
  assert.is(actionAt(lines[1], 'upgraded'), column);
  assert.is(actionAt(lines[2], 'unchanged'), column);
  assert.is(lines[1]?.indexOf('20-ingress'), lines[0]?.indexOf('RUNLEVEL'));
});

test('formatTable: each column as wide as its widest cell, the last one unpadded', () => {
  assert.equal(
    formatTable([
      ['RUNLEVEL', 'RELEASE', 'READY'],
      ['20-ingress-nginx', 'ingress-nginx', 'yes'],
      ['90-apps', 'web', 'no (Deployment/web)'],
    ]),
    [
      'RUNLEVEL         RELEASE       READY',
      '20-ingress-nginx ingress-nginx yes',
      '90-apps          web           no (Deployment/web)',
    ],
  );
});

test('a big deploy lists what changed and counts the unchanged; all: true lists them too', () => {
  const rows = Array.from({ length: summaryListsUnchangedUpTo + 5 }, (_, i) => row(`app${i}`, 'unchanged'));
  rows.push(row('solo', 'upgraded'));
  const text = summaryTable(rows, 2);
  assert.match(text, /^solo\s+90-apps\s+upgraded/m);
  assert.not.match(text, /^app0\s/m);
  assert.match(text, `… ${summaryListsUnchangedUpTo + 5} unchanged releases not listed`);
  assert.match(summaryTable(rows, 2, { all: true }), /^app0\s+90-apps\s+unchanged/m);
});

test.run();
