import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { CONFIG_FILE_NAME, loadConfig } from '../../../src/engine/config/load';
import { allowListPath, configTrust, readAllowList, trustFile } from '../../../src/engine/config/trust';
import { configuredOutputPath } from '../../../src/engine/config/workspacePath';
import { InputError } from '../../../src/engine/errors';
import { json, tempWorkspace } from './_workspace';

test('a workspace cannot loosen what the user chose in their own settings, only tighten it', async () => {
  const user = { triggers: { scanTimeBudgetMs: 20_000, deletionAllow: ['cache/**', 'tmp/**'] } };
  const looser = tempWorkspace({
    [CONFIG_FILE_NAME]: json({ triggers: { scanTimeBudgetMs: 10_000, deletionAllow: ['cache/**', 'tmp/**', 'src/**'] } }),
  });
  const l = await loadConfig({ workspaceRoot: looser, overrides: user, trustWorkspaceConfig: false });
  assert.equal(l.config.triggers.scanTimeBudgetMs, 20_000);
  assert.deepEqual(l.config.triggers.deletionAllow, ['cache/**', 'tmp/**']);
  assert.equal(l.untrustedSettings, 2);

  const tighter = tempWorkspace({ [CONFIG_FILE_NAME]: json({ triggers: { scanTimeBudgetMs: 30_000, deletionAllow: ['cache/**'] } }) });
  const t = await loadConfig({ workspaceRoot: tighter, overrides: user, trustWorkspaceConfig: false });
  assert.equal(t.config.triggers.scanTimeBudgetMs, 30_000);
  assert.deepEqual(t.config.triggers.deletionAllow, ['cache/**']);
  assert.deepEqual(t.warnings, []);
});

test('workspace editor settings are workspace content: refused like the file, and their paths stay inside', async () => {
  const root = tempWorkspace();
  const loaded = await loadConfig({
    workspaceRoot: root,
    trustWorkspacePatterns: false,
    workspaceOverrides: { reportDir: '/etc/cron.d', triggers: { secretlint: false, secretPatterns: [{ name: 'x', pattern: 'x+' }] } },
  });
  assert.equal(loaded.config.reportDir, DEFAULT_CONFIG.reportDir);
  assert.equal(loaded.config.triggers.secretlint, true);
  assert.deepEqual(loaded.config.triggers.secretPatterns, []);
  const lines = loaded.warnings.map((w) => w.slice(0, w.indexOf(': not applied')));
  assert.deepEqual(lines.sort(), [
    'workspace settings: reportDir',
    'workspace settings: triggers.secretPatterns',
    'workspace settings: triggers.secretlint',
  ]);
});

test("the user's own report folder may be anywhere; the workspace's may not", async () => {
  const root = tempWorkspace();
  const outside = tempWorkspace();
  const own = await loadConfig({ workspaceRoot: root, overrides: { reportDir: outside } });
  assert.equal(configuredOutputPath(root, own.config, 'reportDir'), outside);
  // A config file the user names outside the workspace is theirs too.
  const userFile = path.join(outside, 'mine.json');
  fs.writeFileSync(userFile, json({ learningsFile: path.join(outside, 'L.md'), triggers: { secretlint: false } }));
  const named = await loadConfig({ workspaceRoot: root, configFile: userFile, trustWorkspaceConfig: false });
  assert.deepEqual(named.warnings, []);
  assert.equal(named.config.triggers.secretlint, false);
  assert.equal(configuredOutputPath(root, named.config, 'learningsFile'), path.join(outside, 'L.md'));

  // The same values from the workspace: refused at load, and checked again when writing.
  fs.symlinkSync(outside, path.join(root, 'docs'));
  const ws = await loadConfig({ workspaceRoot: root });
  assert.throws(
    () => configuredOutputPath(root, ws.config, 'reportDir'),
    (err: unknown) =>
      err instanceof InputError && /reportDir "docs\/incidents" leads through a symlink to .*, outside the workspace/.test(err.message),
  );
});

test('trust is per workspace real path and file content, and a file outside the workspace needs none', async () => {
  const root = tempWorkspace({ [CONFIG_FILE_NAME]: json({ triggers: { secretlint: false } }) });
  const elsewhere = tempWorkspace({ 'mine.json': '{}' });
  const allowListFile = path.join(tempWorkspace(), 'incident-replay', 'trusted.json');
  const context = { flag: false, allowListFile };
  const file = path.join(root, CONFIG_FILE_NAME);
  assert.deepEqual(await configTrust({ workspaceRoot: root, file, context }), {
    trusted: false,
    why: 'incident-replay.json is not trusted',
  });
  assert.equal((await configTrust({ workspaceRoot: root, file, context: { ...context, flag: true } })).trusted, true);
  assert.equal((await configTrust({ workspaceRoot: root, file: path.join(elsewhere, 'mine.json'), context })).trusted, true);

  await trustFile({ workspaceRoot: root, file, allowListFile, now: Date.UTC(2026, 0, 2) });
  // Reached through a symlink, it is the same workspace.
  const link = `${root}-link`;
  fs.symlinkSync(root, link);
  assert.deepEqual(await configTrust({ workspaceRoot: link, file: path.join(link, CONFIG_FILE_NAME), context }), {
    trusted: true,
    why: 'you trusted incident-replay.json on 2026-01-02',
  });
  // A copy of the workspace elsewhere is another workspace.
  const copy = tempWorkspace({ [CONFIG_FILE_NAME]: fs.readFileSync(file, 'utf8') });
  assert.equal((await configTrust({ workspaceRoot: copy, file: path.join(copy, CONFIG_FILE_NAME), context })).trusted, false);
  fs.appendFileSync(file, '\n');
  assert.equal(
    (await configTrust({ workspaceRoot: root, file, context })).why,
    'incident-replay.json changed since you trusted it on 2026-01-02',
  );
  assert.equal((await readAllowList(allowListFile)).length, 1);
});

test('the allow list lives in the user config folder', () => {
  assert.equal(allowListPath({ XDG_CONFIG_HOME: '/x' }, '/home/u', 'linux'), path.join('/x', 'incident-replay', 'trusted.json'));
  assert.equal(allowListPath({}, '/home/u', 'linux'), path.join('/home/u', '.config', 'incident-replay', 'trusted.json'));
});
