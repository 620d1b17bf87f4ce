import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { cliCommandFor, storeDirFor, storeSubfolderName } from '../../src/extension/services/storeLocation';

const base = {
  folderSetting: '.incident-replay',
  workspaceFolderPath: '/work/app',
  folderUri: 'file:///work/app',
  folderName: 'app',
  storagePath: '/home/me/.config/Code/User/workspaceStorage/123/incident-replay.incident-replay',
  globalStoragePath: '/home/me/.config/Code/User/globalStorage/incident-replay.incident-replay',
};

test('each workspace folder gets its own store in workspace storage, even folders with the same name', () => {
  const a = storeDirFor({ ...base, location: 'workspaceStorage' });
  const b = storeDirFor({ ...base, location: 'workspaceStorage', folderUri: 'file:///other/app', workspaceFolderPath: '/other/app' });
  assert.equal(path.dirname(a), base.storagePath);
  assert.notEqual(a, b);
  assert.match(path.basename(a), /^app-[0-9a-f]{8}$/);
  assert.equal(
    storeSubfolderName('file:///x/y', '..weird name/'),
    storeSubfolderName('file:///x/y', '..weird name/'),
    'stable across sessions',
  );
  assert.doesNotMatch(storeSubfolderName('file:///x/y', '../../etc'), /[/\\]|^\./);
});

test('without workspace storage the store goes to global storage', () => {
  assert.equal(path.dirname(storeDirFor({ ...base, location: 'workspaceStorage', storagePath: undefined })), base.globalStoragePath);
});

test('a store inside the workspace folder must stay inside it', () => {
  assert.equal(storeDirFor({ ...base, location: 'workspaceFolder' }), path.resolve('/work/app/.incident-replay'));
  for (const bad of ['../elsewhere', '/abs/store', '.', '  ']) {
    assert.throws(() => storeDirFor({ ...base, location: 'workspaceFolder', folderSetting: bad }), /incidentReplay\.storage\.folder/, bad);
  }
});

test('the CLI command opens the same store, quoted for the shell when needed', () => {
  assert.equal(cliCommandFor('/work/app', '/s/store'), 'incident-replay --workspace /work/app --store /s/store snapshots');
  assert.equal(
    cliCommandFor("/work/it's here", '/s/store', 'incidents'),
    `incident-replay --workspace '/work/it'"'"'s here' --store /s/store incidents`,
  );
});
