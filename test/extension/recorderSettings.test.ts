import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_RECORDER_SETTINGS, recorderSettings } from '../../src/engine/recorder/settings';
import { recorderConfig, RECORDER_SETTING_KEYS } from '../../src/extension/recorder/recorderSettingsModel';
import { plainTerminalText, shellExecutionApi } from '../../src/extension/recorder/shellExecution';

const root = path.resolve(__dirname, '..', '..');
const props = (
  JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown }> } };
  }
).contributes.configuration.properties;

test('the recorder settings shown in the Settings editor give the engine defaults, with recording on (it records without being asked)', () => {
  const cfg = recorderConfig((key) => props[`incidentReplay.${key}`]?.default);
  assert.equal(cfg.enabled, true);
  assert.deepEqual(recorderSettings(cfg.settings), DEFAULT_RECORDER_SETTINGS);
  for (const key of RECORDER_SETTING_KEYS) assert.ok(props[`incidentReplay.${key}`], `${key} is contributed`);
});

test('recorder settings in the units people type (seconds, minutes, MB) reach the engine in ms and bytes; a bad value says which setting', () => {
  const values: Record<string, unknown> = {
    'recorder.enabled': true,
    'recorder.quietSeconds': 2,
    'recorder.intervalMinutes': 10,
    'recorder.maxStoreMB': 256,
    'recorder.keepAutomaticSnapshots': 'many',
  };
  const cfg = recorderConfig((key) => values[key]);
  assert.equal(cfg.enabled, true);
  const s = recorderSettings(cfg.settings);
  assert.equal(s.quietMs, 2000);
  assert.equal(s.intervalMs, 600_000);
  assert.equal(s.retention.maxStoreBytes, 256 * 1024 * 1024);
  assert.equal(s.retention.keepAutomatic, 200, 'a wrong-typed value keeps the default');
  assert.throws(
    () => recorderSettings({ retention: { keepAutomatic: 0 } }, (k) => `incidentReplay.recorder.${k}`),
    /^InputError: incidentReplay\.recorder\.keepAutomatic must be a number ≥ 1 \(got 0\)$/,
  );
});

test('terminal output loses its colours and prompt marks; an old VS Code without the shell-execution API is detected', () => {
  const raw = '\x1b]633;C\x07\x1b[31mError: connect ECONNREFUSED\x1b[0m\r\n\x1b]633;D;1\x07';
  assert.equal(plainTerminalText(raw), 'Error: connect ECONNREFUSED\n');
  assert.equal(shellExecutionApi({}), undefined);
  const api = { onDidStartTerminalShellExecution: () => undefined, onDidEndTerminalShellExecution: () => undefined };
  assert.equal(shellExecutionApi(api), api);
});
