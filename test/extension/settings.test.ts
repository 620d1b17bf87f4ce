import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CONFIG_FILE_NAME as ENGINE_CONFIG_FILE, loadConfig, parseConfigText } from '../../src/engine/config/load';
import { DEFAULT_CONFIG } from '../../src/engine/config/defaults';
import { CONFIG_FILE_NAME } from '../../src/extension/shared/configFile';
import { buildSettings, ENGINE_SETTINGS, STORAGE_FOLDER_KEY, STORAGE_LOCATION_KEY, userSetValue } from '../../src/extension/shared/settingsModel';
import { TempWorkspace } from '../support/workspace';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const props = pkg.contributes.configuration.properties as Record<string, { default: unknown; scope?: string; markdownDescription?: string; description?: string }>;

function at(obj: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], obj);
}

test('the settings are exactly the engine settings plus where the store lives', () => {
  const expected = [...ENGINE_SETTINGS.map((d) => d.key), STORAGE_LOCATION_KEY, STORAGE_FOLDER_KEY].map((k) => `incidentReplay.${k}`).sort();
  assert.deepEqual(Object.keys(props).sort(), expected);
  for (const [key, p] of Object.entries(props)) {
    assert.ok((p.markdownDescription ?? p.description ?? '').length > 20, `${key} has a description`);
    assert.equal(p.scope, 'resource', `${key} can differ per workspace folder`);
  }
});

test('every engine setting names a key of the engine config, with the engine\'s default', () => {
  for (const def of ENGINE_SETTINGS) {
    const engineDefault = at(DEFAULT_CONFIG, def.key);
    assert.notEqual(engineDefault, undefined, def.key);
    const shown = props[`incidentReplay.${def.key}`]?.default;
    if (def.key === 'rootCauseCategories') assert.deepEqual(shown, {}, 'an empty override keeps the built-in texts');
    else assert.deepEqual(shown, engineDefault, def.key);
  }
});

test('the defaults shown in the Settings editor, passed as settings, give the engine defaults', async () => {
  const overrides = buildSettings((key) => props[`incidentReplay.${key}`]?.default).overrides;
  const ws = new TempWorkspace();
  try {
    const { config } = await loadConfig({ workspaceRoot: ws.dir, overrides });
    assert.deepEqual(config, DEFAULT_CONFIG);
  } finally {
    ws.dispose();
  }
});

test('settings reach the engine, and the workspace incident-replay.json takes precedence', async () => {
  const ws = new TempWorkspace({ 'incident-replay.json': '{ "keepSnapshots": 5 }\n' });
  try {
    const values: Record<string, unknown> = { keepSnapshots: 9, 'triggers.outputGlobs': ['dist/**'], reportDir: 'postmortems' };
    const settings = buildSettings((key) => values[key]);
    const { config } = await loadConfig({ workspaceRoot: ws.dir, overrides: settings.overrides });
    assert.equal(config.keepSnapshots, 5, 'the file wins');
    assert.deepEqual(config.triggers.outputGlobs, ['dist/**']);
    assert.equal(config.reportDir, 'postmortems');
    assert.equal(buildSettings(() => undefined).overrides, undefined, 'nothing set, nothing passed');
    assert.ok(Object.isFrozen(settings) && Object.isFrozen(settings.overrides), 'the snapshot is immutable');
  } finally {
    ws.dispose();
  }
});

test('only values the user set count, the most specific scope first; in an untrusted workspace regex settings come from user settings only', () => {
  const all = { globalValue: ['user'], workspaceValue: ['workspace'], workspaceFolderValue: ['folder'] };
  assert.deepEqual(userSetValue(all, true, true), ['folder']);
  assert.deepEqual(userSetValue({ globalValue: 1, workspaceValue: 2 }, true, false), 2);
  assert.equal(userSetValue({}, true, false), undefined, 'the default is the engine\'s, not passed along');
  assert.deepEqual(userSetValue(all, false, true), ['user']);
  assert.deepEqual(userSetValue(all, false, false), ['folder'], 'settings without regexes apply regardless of trust');
});

test('the settings restricted in untrusted workspaces are exactly those the engine refuses from an untrusted file', () => {
  const samples: Record<string, unknown> = {
    'triggers.logPatterns': [{ pattern: 'boom' }],
    'triggers.secretPatterns': [{ name: 'token', pattern: 'tok_[a-z]+' }],
    'triggers.constraints': [{ pattern: 'DROP TABLE', message: 'no drops' }],
    'triggers.ignore': [{ message: 'flaky' }],
    decisionMarkers: ['^PLAN:'],
  };
  const refused = ENGINE_SETTINGS.filter((d) => {
    const value = samples[d.key] ?? at(DEFAULT_CONFIG, d.key);
    const file: Record<string, unknown> = {};
    const keys = d.key.split('.');
    let node = file;
    for (const k of keys.slice(0, -1)) node = node[k] = {} as Record<string, unknown>;
    node[keys[keys.length - 1] as string] = d.key === 'rootCauseCategories' ? {} : value;
    const { warnings } = parseConfigText(JSON.stringify(file), '/ws/incident-replay.json', { trustWorkspacePatterns: false });
    return warnings.some((w) => w.includes('not trusted'));
  }).map((d) => d.key);
  assert.deepEqual(refused.sort(), ENGINE_SETTINGS.filter((d) => d.regex).map((d) => d.key).sort());
  assert.deepEqual(
    [...pkg.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(),
    refused.map((k) => `incidentReplay.${k}`).sort(),
  );
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
});

test('the extension looks for the same config file name as the engine', () => {
  assert.equal(CONFIG_FILE_NAME, ENGINE_CONFIG_FILE);
});
