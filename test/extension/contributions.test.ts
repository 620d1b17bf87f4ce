import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { COMMAND_IDS, CONTEXT_KEYS } from '../../src/extension/commands/ids';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  icon: string;
  license: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string } };
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    jsonValidation: { fileMatch: string; url: string }[];
    walkthroughs: { steps: { description: string; media: { markdown: string } }[] }[];
  };
};
const c = pkg.contributes;
const commandsDir = path.join(root, 'src', 'extension', 'commands');

/** Command modules as the source declares them: the `Command` object and the key of `COMMAND_IDS` it carries. */
function sourceCommands(): { id: string; title: string; name: string; file: string }[] {
  const out = [];
  for (const file of readdirSync(commandsDir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(path.join(commandsDir, file), 'utf8');
    const obj = /export const (\w+): Command = \{\s*id: COMMAND_IDS\.(\w+),\s*title: '([^']+)'/.exec(text);
    if (!obj) continue;
    const id = (COMMAND_IDS as Record<string, string>)[obj[2] as string];
    assert.ok(id, `${file}: COMMAND_IDS.${obj[2]} is declared in commands/ids.ts`);
    out.push({ id, title: obj[3] as string, name: obj[1] as string, file });
  }
  return out;
}

test('every command in package.json is registered by the extension, and every registered command is in package.json', () => {
  const src = sourceCommands();
  const index = readFileSync(path.join(commandsDir, 'index.ts'), 'utf8');
  const registered = src.filter((s) => new RegExp(`^\\s+${s.name},$`, 'm').test(index));
  assert.deepEqual(registered.map((s) => s.id).sort(), src.map((s) => s.id).sort(), 'every command module is in the COMMANDS list');
  assert.deepEqual(c.commands.map((x) => x.command).sort(), registered.map((s) => s.id).sort());
});

test('commands/ids.ts names every command once, each under its id without the prefix', () => {
  const ids = Object.entries(COMMAND_IDS);
  for (const [key, id] of ids) assert.equal(id, `incidentReplay.${key}`);
  assert.deepEqual(ids.map(([, id]) => id).sort(), c.commands.map((x) => x.command).sort());
  // One command module per id: a second module carrying the same id would register it twice.
  assert.deepEqual(
    sourceCommands()
      .map((s) => s.id)
      .sort(),
    ids.map(([, id]) => id).sort(),
  );
});

test('commands share one prefix, one casing, one category, and their titles match the source', () => {
  const titles = new Map(sourceCommands().map((s) => [s.id, s.title]));
  for (const cmd of c.commands) {
    assert.match(cmd.command, /^incidentReplay\.[a-z][A-Za-z]+$/);
    assert.equal(cmd.category, 'Incident Replay');
    assert.equal(cmd.title.replace(/…$/, ''), titles.get(cmd.command), cmd.command);
  }
});

test("the issue's commands are all there under their titles", () => {
  const byTitle = new Map(c.commands.map((x) => [x.title, x.command]));
  for (const title of [
    'Take Snapshot',
    'Set Baseline',
    'Compare Snapshots…',
    'Compare with Baseline',
    'Restore File from Snapshot…',
    'Prune Snapshots',
    'Analyze Since Baseline',
    'Open Incident…',
    'Resolve Incident',
    'Export Incident Report',
    'Show Output',
    'Copy Store Path',
  ]) {
    assert.ok(byTitle.has(title), title);
  }
});

test('menus and welcome buttons only reference contributed commands and views', () => {
  const ids = new Set(c.commands.map((x) => x.command));
  const views = new Set(
    Object.values(c.views)
      .flat()
      .map((v) => v.id),
  );
  for (const [menu, items] of Object.entries(c.menus)) {
    for (const item of items) {
      assert.ok(ids.has(item.command), `${menu}: ${item.command}`);
      for (const m of (item.when ?? '').matchAll(/view == ([\w.]+)/g)) assert.ok(views.has(m[1] as string), `${menu}: ${m[1]}`);
      // Any other key of ours a clause names is one the extension sets.
      const keys = new Set<string>(Object.values(CONTEXT_KEYS));
      for (const m of (item.when ?? '').replace(/view == [\w.]+/g, '').matchAll(/\bincidentReplay\.[\w.]+/g)) {
        assert.ok(keys.has(m[0]), `${menu}: ${item.command} is shown when ${m[0]}, which the extension never sets`);
      }
    }
  }
  const links = [...c.viewsWelcome.map((w) => w.contents), ...c.walkthroughs.flatMap((w) => w.steps.map((s) => s.description))].join('\n');
  for (const m of links.matchAll(/\(command:(incidentReplay\.\w+)/g)) assert.ok(ids.has(m[1] as string), m[1]);
  for (const w of c.viewsWelcome) assert.ok(views.has(w.view), w.view);
});

test('the views live in the Incident Replay activity-bar container under the ids the source uses', () => {
  assert.deepEqual(
    c.viewsContainers.activitybar.map((v) => v.id),
    ['incidentReplay'],
  );
  assert.deepEqual(
    c.views.incidentReplay?.map((v) => [v.id, v.name]),
    [
      ['incidentReplay.snapshots', 'Snapshots'],
      ['incidentReplay.incidents', 'Incidents'],
    ],
  );
  const views = path.join(root, 'src', 'extension', 'views');
  assert.match(readFileSync(path.join(views, 'snapshotsView.ts'), 'utf8'), /SNAPSHOTS_VIEW_ID = 'incidentReplay\.snapshots'/);
  assert.match(readFileSync(path.join(views, 'incidentsView.ts'), 'utf8'), /INCIDENTS_VIEW_ID = 'incidentReplay\.incidents'/);
});

test('activation never delays startup: views, commands, the incident panel, and the recorder once startup has finished', () => {
  // Views, commands (implicit since VS Code 1.74) and restoring an open incident panel after a
  // reload; the flight recorder records without being asked, so the extension also starts once
  // the window is up (onStartupFinished, never `*`, which would hold up the window).
  for (const e of pkg.activationEvents) assert.match(e, /^(on(View|Command|WebviewPanel):incidentReplay\.\w+|onStartupFinished)$/, e);
  assert.ok(pkg.activationEvents.includes('onStartupFinished'));
  assert.ok(!pkg.activationEvents.includes('*'));
  assert.equal(pkg.main, './dist/extension.js');
});

test('every file the manifest points at exists', () => {
  const files = [
    pkg.icon,
    ...c.viewsContainers.activitybar.map((v) => v.icon),
    ...c.jsonValidation.map((j) => j.url),
    ...c.walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown)),
    'LICENSE',
    '.vscodeignore',
  ];
  for (const f of files) assert.ok(existsSync(path.join(root, f)), f);
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License/);
  assert.deepEqual(
    c.jsonValidation.map((j) => j.fileMatch),
    ['incident-replay.json'],
  );
});

test('the VSIX leaves out sources, tests and node_modules', () => {
  const lines = readFileSync(path.join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  assert.equal(lines[0], '**', 'everything is excluded first');
  const kept = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  for (const k of kept) assert.doesNotMatch(k, /^(src|test|node_modules|scripts|samples|webview)\//, k);
  // What the engine loads at run time: the bundles, the SQLite wasm, the log scan and stat workers.
  for (const f of ['dist/extension.js', 'dist/engine.js', 'dist/sql-wasm.wasm', 'dist/logScanWorker.js', 'dist/statWorker.js'])
    assert.ok(kept.includes(f), f);
});
