import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stateValuesArgs, withStateValues } from '../../../core/render/state-values.js';

test('the state values go to helmfile as JSON on its standard input: no file is written', async () => {
  const result = await withStateValues(
    { platform: { sso: { adminPassword: 'p@ss' } }, tag: '1.10' },
    async (state) => {
      // JSON keeps "1.10" a string for helmfile's YAML reader.
      assert.equal(JSON.parse(state.json), { platform: { sso: { adminPassword: 'p@ss' } }, tag: '1.10' });
      assert.equal(Object.keys(state), ['json'], 'the values themselves, no path to a file');
      return 42;
    },
  );
  assert.is(result, 42);
  assert.equal([...stateValuesArgs], ['--state-values-file', '/dev/stdin']);
});

test.run();
