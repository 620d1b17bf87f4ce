/**
 * Markdown building blocks for text that comes from logs, configs and agent transcripts:
 * such text may hold `|`, backticks, HTML or link syntax, and must render as itself.
 */

const INLINE_SPECIALS = /[\\`*_[\]<>|#~&]/g;
const INLINE_REPLACEMENTS: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/**
 * The mark `redactValue` leaves (`AKIA…[redacted 16 chars]`) stays unescaped: it is not link
 * syntax without a following `(`, and escaping its brackets would hide it from the safety net,
 * which then redacts the kept prefix a second time.
 */
const REDACTION_MARK = /\[redacted \d+ chars\]/g;

/** One line of literal text: markdown and HTML syntax shown as typed, line breaks flattened. */
export function inline(text: string): string {
  const flat = text.replace(/\s*\r?\n\s*/g, ' ');
  let out = '';
  let at = 0;
  for (const m of flat.matchAll(REDACTION_MARK)) {
    out += escapeInline(flat.slice(at, m.index)) + m[0];
    at = m.index + m[0].length;
  }
  return out + escapeInline(flat.slice(at));
}

function escapeInline(text: string): string {
  return text.replace(INLINE_SPECIALS, (c) => INLINE_REPLACEMENTS[c] ?? `\\${c}`);
}

/** A table cell: literal like `inline`, capped so one long log line does not swallow the table. */
export function cell(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return inline(flat.length <= max ? flat : flat.slice(0, max - 1) + '…');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A fenced block whose fence is longer than any backtick run inside, so the text cannot close it. */
export function codeBlock(text: string, lang = ''): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\s+$/, '')}\n${fence}`;
}

/** Inline code whose delimiters survive backticks in the text. */
export function code(text: string): string {
  const flat = text.replace(/\s*\r?\n\s*/g, ' ');
  const longest = Math.max(0, ...Array.from(flat.matchAll(/`+/g), (m) => m[0].length));
  const tick = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${tick}${pad}${flat}${pad}${tick}`;
}

export function bulletList(items: readonly string[], empty: string): string {
  return items.length === 0 ? empty : items.map((i) => `- ${i}`).join('\n');
}
