import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testRunnerMessage } from '../../../src/engine/logs/tools/tests';

test("jest's failure headings (the bullet and the breadcrumb are non-ASCII) are test failures", () => {
  const line = '  \u25cf Cart \u203a totals \u203a adds tax to the subtotal';
  assert.deepEqual(testRunnerMessage(line), {
    errorType: 'test failed',
    message: 'Cart \u203a totals \u203a adds tax to the subtotal',
    index: 2,
  });
  // The same bullet without jest's breadcrumb is a list item, not a failure.
  assert.equal(testRunnerMessage('  \u25cf remember to run the migrations'), null);
});

test("pytest's summary lines name the test and the assertion", () => {
  assert.deepEqual(testRunnerMessage('FAILED tests/test_cart.py::test_tax - assert 12 == 3'), {
    errorType: 'test failed',
    message: 'tests/test_cart.py::test_tax - assert 12 == 3',
    index: 0,
    testKey: 'F:test_tax',
  });
  // The key of the section pytest heads `TestCart.test_tax[eu]` (see pytest.ts).
  assert.equal(
    testRunnerMessage('FAILED tests/test_cart.py::TestCart::test_tax[eu-1.5] - assert 1 == 2')?.testKey,
    'F:TestCart.test_tax[eu-1.5]',
  );
  assert.equal(testRunnerMessage('ERROR tests/test_cart.py - ImportError: no module named x')?.testKey, 'E:tests/test_cart.py');
});
