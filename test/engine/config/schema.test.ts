import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { parseConfigText } from '../../../src/engine/config/load';
import { CONFIG_SCHEMA, renderSchemaFile } from '../../../src/engine/config/schema';

const MEDIA_SCHEMA = path.resolve(__dirname, '../../../media/incident-replay.schema.json');

test('media/incident-replay.schema.json is the schema the engine validates with', () => {
  const onDisk: unknown = JSON.parse(fs.readFileSync(MEDIA_SCHEMA, 'utf8'));
  assert.deepEqual(
    onDisk,
    JSON.parse(renderSchemaFile()),
    "regenerate it: node --import tsx -e \"require('fs').writeFileSync('media/incident-replay.schema.json', require('./src/engine/config/schema.ts').renderSchemaFile())\"",
  );
  assert.deepEqual(JSON.parse(renderSchemaFile()), CONFIG_SCHEMA);
});

test('the schema is a valid draft-07 schema that compiles under ajv strict mode', () => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true });
  assert.equal(ajv.validateSchema(CONFIG_SCHEMA), true, JSON.stringify(ajv.errors));
  assert.doesNotThrow(() => ajv.compile(CONFIG_SCHEMA));
});

test('the defaults, written out as a file, pass the schema and load back unchanged', () => {
  // Trust and whose paths they are is the caller's decision, not a file setting.
  const { trustWorkspacePatterns: _p, trustWorkspaceConfig: _c, userPaths: _u, ...fileShaped } = DEFAULT_CONFIG;
  const loaded = parseConfigText(JSON.stringify(fileShaped), 'incident-replay.json');
  assert.deepEqual(loaded.warnings, []);
  assert.deepEqual(loaded.config, DEFAULT_CONFIG);
});

test('schema defaults shown in the editor match DEFAULT_CONFIG', () => {
  const props = CONFIG_SCHEMA.properties ?? {};
  assert.deepEqual(props.include?.default, DEFAULT_CONFIG.include);
  assert.equal(props.keepSnapshots?.default, DEFAULT_CONFIG.keepSnapshots);
  assert.deepEqual(props.triggers?.properties?.configGlobs?.default, DEFAULT_CONFIG.triggers.configGlobs);
  assert.equal(props.triggers?.properties?.sizeGrowthMinBytes?.default, DEFAULT_CONFIG.triggers.sizeGrowthMinBytes);
});
