// The values schema is not checked against the JSON Schema meta-schema at run time (start-up cost,
// see validate.ts); it is checked here, with the same options and meta-validation on.

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ajvOptions, validators } from '../../../core/values/validate.js';

test('values.schema.json is a valid JSON Schema 2020-12 document and compiles in strict mode', () => {
  const { schema } = validators();
  const ajv = new Ajv2020({ ...ajvOptions, validateSchema: true });
  const addFormats = addFormatsModule as unknown as (a: Ajv2020, formats: string[]) => void;
  addFormats(ajv, ['hostname', 'email', 'uri']);
  assert.is(ajv.validateSchema(schema), true, JSON.stringify(ajv.errors, null, 2));
  assert.not.throws(() => ajv.compile(schema));
});

test.run();
