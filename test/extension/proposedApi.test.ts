// A VS Code API that exists only as a proposal (its functions present, every call refused) counts
// as missing; any other failure of the call is the caller's to see.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unlessProposed } from '../../src/extension/services/proposedApi';

test('a call VS Code refuses as an undeclared API proposal reads as "only a proposal", naming it', () => {
  const refused = (): never => {
    // VS Code 1.90's own wording (checkProposedApiEnabled).
    throw new Error(
      "Extension 'incident-replay.incident-replay' CANNOT use API proposal: terminalShellIntegration.\nIts package.json#enabledApiProposals-property declares: [] but NOT terminalShellIntegration.",
    );
  };
  assert.deepEqual(unlessProposed(refused), { proposal: 'terminalShellIntegration' });
});

test('a call that works gives its value; any other error is rethrown', () => {
  assert.deepEqual(
    unlessProposed(() => 42),
    { value: 42 },
  );
  assert.throws(
    () =>
      unlessProposed(() => {
        throw new Error('tool name already registered');
      }),
    /already registered/,
  );
});
