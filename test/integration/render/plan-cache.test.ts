// A runlevel file is planned by helmfile once per input in a process: the same file, bases and
// state values give the plan made before without a process; any change plans again.
import { appendFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planRunlevel } from '../../../core/render/helmfile.js';
import { listRunlevels } from '../../../core/render/runlevels.js';
import { stateValues } from '../../../core/render/state-values.js';
import { resolveValues } from '../../../core/values/index.js';
import { copyOfCore, fixtures } from '../../helpers/render-helpers.js';

test('the same input is planned once; a changed value or base file is planned again', async () => {
  const core = await copyOfCore();
  try {
    const resolved = await resolveValues({ valuesDir: join(fixtures, 'minimal'), cluster: 'dev' });
    const apps = listRunlevels(join(core, 'helmfile.d')).find((r) => r.name === '60-teams');
    assert.ok(apps);
    if (!apps) return;
    const state = stateValues(resolved.values);
    const first = await planRunlevel(apps, state);
    assert.ok(first.length > 0);

    // Without helmfile, only a plan made before can answer.
    const saved = { tools: process.env.RUNLEVEL_TOOLS_DIR, path: process.env.PATH };
    process.env.RUNLEVEL_TOOLS_DIR = '/nonexistent';
    process.env.PATH = '/nonexistent';
    try {
      const again = await planRunlevel(apps, stateValues(resolved.values));
      assert.equal(again, first);
      again[0]?.values.push({ changed: 'by the caller' }); // a copy: the next answer is unaffected
      assert.equal(await planRunlevel(apps, state), first);

      const other = { ...resolved.values, cluster: { ...resolved.values.cluster, domain: 'other.example' } };
      assert.match(await failure(planRunlevel(apps, stateValues(other))), /helmfile is not installed/);
      appendFileSync(join(core, 'helmfile.d/bases/common.yaml'), '\n# edited\n');
      assert.match(await failure(planRunlevel(apps, state)), /helmfile is not installed/);
    } finally {
      restore('RUNLEVEL_TOOLS_DIR', saved.tools);
      restore('PATH', saved.path);
    }
  } finally {
    await rm(core, { recursive: true, force: true });
  }
});

async function failure(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'no error',
    (e: Error) => e.message,
  );
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

test.run();
