import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stateValuesArgs, withStateValues } from '../../../core/render/state-values.js';

test('the state values go to helmfile as JSON in an unnamed in-memory file: no path, closed after', async () => {
  let seen: number | undefined;
  const result = await withStateValues(
    { platform: { sso: { adminPassword: 'p@ss' } }, tag: '1.10' },
    async (state) => {
      // JSON keeps "1.10" a string for helmfile's YAML reader.
      assert.equal(JSON.parse(state.json), { platform: { sso: { adminPassword: 'p@ss' } }, tag: '1.10' });
      assert.type(state.memory?.fd, 'number', 'Linux with a tmpfs /dev/shm');
      seen = state.memory?.fd;
      // Read by its path from the start, twice, as helmfile opens it once per runlevel file.
      const path = state.memory?.path ?? '';
      assert.match(path, /^\/proc\/\d+\/fd\/\d+$/);
      assert.is(readFileSync(path, 'utf8'), state.json);
      assert.is(readFileSync(path, 'utf8'), state.json);
      return 42;
    },
  );
  assert.is(result, 42);
  assert.throws(() => readFileSync(`/proc/self/fd/${seen}`, 'utf8'), /ENOENT|EBADF/);
  assert.equal([...stateValuesArgs], ['--state-values-file', '/dev/stdin']);
});

test.run();
