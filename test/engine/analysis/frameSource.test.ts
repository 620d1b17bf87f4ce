import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feedingLines } from '../../../src/engine/analysis/frameSource';

test('the failing line keeps the lines above that assign what it uses, and what those use', () => {
  assert.deepEqual(
    feedingLines([
      "cfg = json.load(open('config/train.json'))",
      "print('train: epochs', cfg['epochs'], flush=True)",
      "rows = list(csv.DictReader(open('data/train.csv')))",
      "xs = [float(r['x']) for r in rows]",
      "ys = [float(r['y']) for r in rows]",
    ]),
    // The print's keyword argument is no assignment, and cfg feeds nothing the CSV parse uses.
    ["rows = list(csv.DictReader(open('data/train.csv')))", "ys = [float(r['y']) for r in rows]"],
  );
  assert.deepEqual(
    feedingLines([
      'Properties p = load();',
      'String title = p.getProperty("report.title");',
      'int limit = 3;',
      'System.out.println(title.toUpperCase());',
    ]),
    ['Properties p = load();', 'String title = p.getProperty("report.title");', 'System.out.println(title.toUpperCase());'],
  );
  // Go's :=, and comparisons that assign nothing.
  assert.deepEqual(feedingLines(['addr := cfg.Addr', 'if addr == "" {', 'conn, err := net.Dial("tcp", addr)']), [
    'addr := cfg.Addr',
    'conn, err := net.Dial("tcp", addr)',
  ]);
  assert.deepEqual(feedingLines([]), []);
});
