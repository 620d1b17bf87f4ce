// What a node:test TAP report says was not run. Kept apart from run.mjs so a unit test can load it.

/**
 * Skipped and todo tests in a TAP report. A skip means a test did not check what it names (its
 * feature was missing, or an earlier test it builds on failed), so a run with one does not pass.
 */
export function unrunTests(tap) {
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  const names = [...tap.matchAll(/^\s*ok \d+ - (.*?) # (SKIP|TODO)\b(.*)$/gm)].map((m) => `${m[1]} (${m[2].toLowerCase()}${m[3]})`);
  return { skipped: count('skipped'), todo: count('todo'), names };
}
