// The summary table that closes every deploy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { summaryListsUnchangedUpTo, summaryTable } from '../../../core/deploy/progress.js';

const row = (name: string, action: string) => ({ name, runlevel: '90-apps', action, seconds: 0.5 });

test('a small deploy lists every release and tallies the actions', () => {
  const text = summaryTable([row('web', 'upgraded'), row('api', 'unchanged')], 3.25);
  assert.match(text, /^web\s+90-apps\s+upgraded\s+0\.5s$/m);
  assert.match(text, /^api\s+90-apps\s+unchanged/m);
  assert.match(text, /total 3\.3s: 1 upgraded, 1 unchanged$/);
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
