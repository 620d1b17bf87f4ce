/** Types of tapSummary.mjs, for the unit test that loads it. */
export function unrunTests(tap: string): { skipped: number; todo: number; names: string[] };
