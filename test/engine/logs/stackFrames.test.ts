import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FrameMapper, parseJsFrame, parseJvmFrame, parsePythonFrame } from '../../../src/engine/logs/stackFrames';

const ROOT = '/home/dev/shop';

describe('FrameMapper', () => {
  const m = new FrameMapper(ROOT);

  it('maps absolute paths and file:// URLs inside the workspace to workspace-relative POSIX paths', () => {
    assert.equal(m.toWorkspacePath('/home/dev/shop/src/app.js'), 'src/app.js');
    assert.equal(m.toWorkspacePath(pathToFileURL('/home/dev/shop/src/my app.mjs').href), 'src/my app.mjs');
    assert.equal(m.toWorkspacePath('/home/dev/shop/./lib/../src/x.py'), 'src/x.py');
    assert.equal(m.toWorkspacePath('src/main.rs'), 'src/main.rs');
    assert.equal(m.toWorkspacePath('./src/main.rs'), 'src/main.rs');
  });

  it('leaves paths outside the workspace and synthetic files unmapped', () => {
    assert.equal(m.toWorkspacePath('/home/dev/shopping/app.js'), null, 'a sibling with a common prefix is outside');
    assert.equal(m.toWorkspacePath('/usr/lib/python3.11/json/decoder.py'), null);
    assert.equal(m.toWorkspacePath('../other/app.js'), null);
    assert.equal(m.toWorkspacePath('node:internal/modules/cjs/loader'), null);
    assert.equal(m.toWorkspacePath('<frozen importlib._bootstrap>'), null);
    assert.equal(m.toWorkspacePath('<anonymous>'), null);
    assert.equal(m.toWorkspacePath('/home/dev/shop'), null);
  });

  it('accepts relative paths only for files the manifest lists, when it has one', () => {
    const withFiles = new FrameMapper(ROOT, ['src/main.rs']);
    assert.equal(withFiles.toWorkspacePath('src/main.rs'), 'src/main.rs');
    assert.equal(withFiles.toWorkspacePath('library/std/src/panicking.rs'), null);
    // An absolute path in the workspace maps even when the file has since been deleted.
    assert.equal(withFiles.toWorkspacePath('/home/dev/shop/gone.py'), 'gone.py');
  });

  it('maps a Windows workspace', () => {
    const w = new FrameMapper('C:\\Users\\dev\\shop');
    assert.equal(w.toWorkspacePath('C:\\Users\\dev\\shop\\src\\app.js'), 'src/app.js');
    assert.equal(w.toWorkspacePath('file:///C:/Users/dev/shop/src/app.js'), 'src/app.js');
    assert.equal(w.toWorkspacePath('D:\\other\\app.js'), null);
  });
});

describe('paths from another checkout', () => {
  const m = new FrameMapper(ROOT, ['cmd/main.go', 'jobs/etl.py', 'main.go', 'src/app.js']);

  it('map to the workspace file their longest tail names', () => {
    assert.equal(m.toWorkspacePath('/home/ci/app/cmd/main.go'), 'cmd/main.go');
    assert.equal(m.toWorkspacePath('/app/jobs/etl.py'), 'jobs/etl.py');
    assert.equal(m.toWorkspacePath('/builds/acme/shop/src/app.js'), 'src/app.js');
  });

  it('never by a file name alone, from installed code, or without the workspace files', () => {
    assert.equal(m.toWorkspacePath('/tmp/build/main.go'), null);
    assert.equal(m.toWorkspacePath('/usr/local/go/src/cmd/main.go'), null);
    assert.equal(m.toWorkspacePath('/srv/venv/lib/python3.11/site-packages/jobs/etl.py'), null);
    assert.equal(m.toWorkspacePath('/home/ci/app/node_modules/pkg/src/app.js'), null);
    assert.equal(new FrameMapper(ROOT).toWorkspacePath('/home/ci/app/cmd/main.go'), null);
  });
});

describe('frame parsers', () => {
  const files = ['app/src/main/java/com/acme/billing/App.java', 'build/gen/com/acme/billing/App.java', 'README.md'];
  const m = new FrameMapper(ROOT, files);

  it('parses Python frames', () => {
    assert.deepEqual(parsePythonFrame('  File "/home/dev/shop/jobs/etl.py", line 12, in load', m), {
      file: 'jobs/etl.py',
      line: 12,
      function: 'load',
      inWorkspace: true,
    });
    assert.deepEqual(parsePythonFrame('  File "<string>", line 1', m), { file: '<string>', line: 1, inWorkspace: false });
  });

  it('parses Node frames with and without function names', () => {
    assert.deepEqual(parseJsFrame('    at go (/home/dev/shop/a.js:2:19)', m), {
      file: 'a.js',
      line: 2,
      column: 19,
      function: 'go',
      inWorkspace: true,
    });
    assert.deepEqual(parseJsFrame('    at file:///home/dev/shop/b.mjs:4:7', m), { file: 'b.mjs', line: 4, column: 7, inWorkspace: true });
    assert.deepEqual(parseJsFrame('    at async Promise.all (index 0)', m), null);
    assert.equal(parseJsFrame('    at Module._compile (node:internal/modules/cjs/loader:1521:14)', m)?.inWorkspace, false);
  });

  it('finds JVM sources by package path, preferring the shortest match', () => {
    assert.deepEqual(parseJvmFrame('\tat com.acme.billing.App$Line.total(App.java:16)', m), {
      file: 'app/src/main/java/com/acme/billing/App.java',
      line: 16,
      function: 'App$Line.total',
      inWorkspace: true,
    });
    assert.deepEqual(parseJvmFrame('\tat java.base/java.lang.Integer.parseInt(Integer.java:668)', m), {
      file: 'Integer.java',
      line: 668,
      function: 'Integer.parseInt',
      inWorkspace: false,
    });
    assert.equal(parseJvmFrame('\tat jdk.internal.reflect.Native.invoke0(Native Method)', m), null);
  });
});
