import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { analyzeWindow } from '../../../src/engine/analysis/analyze';
import { recordIncident } from '../../../src/engine/analysis/incident';
import { DEFAULT_CONFIG } from '../../../src/engine/config/defaults';
import { exportReport } from '../../../src/engine/report/exportReport';
import { SnapshotStore } from '../../../src/engine/snapshotStore';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=Agent', '-c', 'user.email=agent@example.com', ...args], {
    encoding: 'utf8',
  }).trim();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('commits and HEAD moves in the window are on the timeline, and the triggering change names the commit that made it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-githist-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'config.json'), '{"db": {"port": 5432}}\n');
  fs.writeFileSync(path.join(dir, 'app.log'), '2024-05-01 10:00:00 INFO started\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  const before = git(dir, 'rev-parse', 'HEAD');
  const store = await SnapshotStore.open({ workspaceRoot: dir, config: DEFAULT_CONFIG });
  try {
    // git dates in whole seconds: the base commit's second must end before the window starts.
    await sleep(1100);
    const { snapshot: baseline } = await store.snapshot({ baseline: true });
    fs.writeFileSync(path.join(dir, 'config.json'), '{"db": {"port": 5433}}\n');
    git(dir, 'commit', '-q', '-am', 'Move the database port');
    const commit = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'checkout', '-q', '-b', 'hotfix');
    fs.appendFileSync(
      path.join(dir, 'app.log'),
      '2024-05-01 10:05:00 ERROR could not connect to database on port 5433: connection refused\n',
    );
    await sleep(50);
    const { snapshot: post } = await store.snapshot();
    const a = await analyzeWindow(store, baseline, post);

    const commitEvent = a.timeline.find((e) => e.kind === 'commit' && e.ref === commit);
    assert.equal(commitEvent?.title, `commit ${commit.slice(0, 7)}: Move the database port`);
    const move = a.timeline.find((e) => e.id.startsWith('head:'));
    assert.equal(move?.title, `HEAD → ${commit.slice(0, 7)}: checkout: moving from main to hotfix`);
    assert.ok(!a.timeline.some((e) => e.ref === before), 'the commit before the window is not in it');

    const tc = a.rootCause.triggeringChange;
    assert.equal(tc?.path, 'config.json');
    assert.equal(tc?.commit?.sha, commit);
    assert.match(tc?.reason ?? '', new RegExp(`committed in ${commit.slice(0, 7)} "Move the database port"`));

    const incident = await recordIncident(store, a);
    const report = await exportReport(store, incident.id, { out: path.join(dir, 'report.md') });
    assert.match(
      fs.readFileSync(report.file, 'utf8'),
      new RegExp(`^\\*\\*Triggering commit:\\*\\* \`${commit.slice(0, 12)}\` Move the database port$`, 'm'),
    );
  } finally {
    store.close();
  }
});
