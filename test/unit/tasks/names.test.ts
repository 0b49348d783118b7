// The light list of task names (read by validate's header check) is the registry's, and its
// grammar reads a task list as the registry's parser does.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { taskListNames, taskNames } from '../../../core/tasks/names.js';
import { parseTaskList, tasks } from '../../../core/tasks/registry.js';

test('taskNames is exactly the registry', () => {
  assert.equal([...taskNames].sort(), Object.keys(tasks).sort());
});

test('a task list is read into the same names as the registry parses', () => {
  for (const setting of ['wait-crds', 'wait-crds(a.example.com,b.example.com),copy-platform-ca', '']) {
    const light = taskListNames(setting);
    assert.ok('names' in light);
    assert.equal(
      light.names,
      parseTaskList(setting).map((c) => c.name),
    );
  }
  assert.equal(taskListNames('wait-crds,(x)'), { unreadable: '(x)' });
  assert.throws(() => parseTaskList('wait-crds,(x)'));
});

test.run();
