import { structuredPatch, type StructuredPatchHunk } from 'diff';

export interface LineDiff {
  additions: number;
  deletions: number;
  /** Unified diff text with `--- a/` / `+++ b/` headers; empty when the texts are equal. */
  patch: string;
  /** Set when the diff was cut short (too big or too slow) and the counts are upper bounds. */
  approximate: boolean;
  /** 1-based numbers of the lines added in the new text; complete even when the patch text is cut. */
  added: number[];
}

const CONTEXT = 3;
/** Beyond this edit cost jsdiff's Myers diff gets slow; the whole changed middle is then shown as replaced. */
const DIFF_TIMEOUT_MS = 2_000;
/** Patches bigger than this are cut in the text output (counts stay exact). */
const MAX_PATCH_CHARS = 2 * 1024 * 1024;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Line diff of two texts. The common prefix and suffix are trimmed first, so an appended
 * 50 MB log costs one pass instead of a Myers diff over a million lines; only the changed
 * middle (plus context) goes through jsdiff, with a timeout.
 */
export function lineDiff(oldText: string, newText: string, oldName: string, newName: string): LineDiff {
  if (oldText === newText) return { additions: 0, deletions: 0, patch: '', approximate: false, added: [] };
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let prefix = 0;
  const maxPrefix = Math.min(a.length, b.length);
  while (prefix < maxPrefix && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < maxPrefix - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;

  const from = Math.max(0, prefix - CONTEXT);
  const aMid = a.slice(from, a.length - Math.max(0, suffix - CONTEXT));
  const bMid = b.slice(from, b.length - Math.max(0, suffix - CONTEXT));
  const oldEol = oldText.endsWith('\n') || oldText === '';
  const newEol = newText.endsWith('\n') || newText === '';
  const aTail = a.length - Math.max(0, suffix - CONTEXT) === a.length && !oldEol;
  const bTail = b.length - Math.max(0, suffix - CONTEXT) === b.length && !newEol;
  const aStr = aMid.join('\n') + (aMid.length && !aTail ? '\n' : '');
  const bStr = bMid.join('\n') + (bMid.length && !bTail ? '\n' : '');

  const result = structuredPatch(oldName, newName, aStr, bStr, '', '', {
    context: CONTEXT,
    timeout: DIFF_TIMEOUT_MS,
  });
  let hunks: StructuredPatchHunk[];
  let approximate = false;
  if (result) {
    hunks = result.hunks.map((h) => ({ ...h, oldStart: h.oldStart + from, newStart: h.newStart + from }));
  } else {
    // Too costly to align: show the changed middle as removed then added.
    approximate = true;
    const removed = a.slice(prefix, a.length - suffix);
    const added = b.slice(prefix, b.length - suffix);
    hunks = [
      {
        oldStart: prefix + 1,
        oldLines: removed.length,
        newStart: prefix + 1,
        newLines: added.length,
        lines: [...removed.map((l) => '-' + l), ...added.map((l) => '+' + l)],
      },
    ];
  }
  let deletions = 0;
  const added: number[] = [];
  for (const h of hunks) {
    let line = h.newStart;
    for (const l of h.lines) {
      if (l.startsWith('+')) added.push(line++);
      else if (l.startsWith('-')) deletions++;
      else if (l.startsWith(' ')) line++;
    }
  }
  return { additions: added.length, deletions, patch: formatUnified(oldName, newName, hunks), approximate, added };
}

function formatUnified(oldName: string, newName: string, hunks: readonly StructuredPatchHunk[]): string {
  const out: string[] = [`--- ${oldName}`, `+++ ${newName}`];
  let size = 0;
  for (const h of hunks) {
    // As diff(1) and git print it: an empty side names the line before the hunk.
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    const header = `@@ -${oldStart},${h.oldLines} +${newStart},${h.newLines} @@`;
    out.push(header);
    for (const l of h.lines) {
      size += l.length + 1;
      if (size > MAX_PATCH_CHARS) {
        out.push('\\ patch cut here: too large to show in full');
        return out.join('\n') + '\n';
      }
      out.push(l);
    }
  }
  return out.join('\n') + '\n';
}
