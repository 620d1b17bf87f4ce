import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

// One real temporary folder per test file; every workspace is a fresh folder inside it.
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));

/** A real workspace folder holding `files` (relative path → content). */
export function tempWorkspace(files: Record<string, string | Buffer> = {}): string {
  const root = fs.mkdtempSync(path.join(base, 'ws-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return root;
}

/** Pretty JSON, as a user would write it. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
