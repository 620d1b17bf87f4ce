/**
 * A failure's signature: its type and message with everything that changes from run to run
 * (times, ids, addresses, ports, paths, quoted values, numbers) replaced by placeholders, so
 * two runs of the same failing program get the same signature and repeats can be recognised.
 */

const REPLACEMENTS: [RegExp, string][] = [
  // Date-times before plain numbers eat their digits.
  [/\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g, '<time>'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>()]+/gi, '<url>'],
  // Quoted values ('k', "12x", `cmd`) vary with the data; the text around them names the failure.
  [/'[^'\n]{0,200}'|"[^"\n]{0,200}"|`[^`\n]{0,200}`/g, '<str>'],
  [/(?:\b[A-Za-z]:)?(?:[\\/][\w.@+~-]+){2,}[\\/]?|(?<![\w.])(?:~|\.{1,2})?\/[\w.@+~-]+/g, '<path>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<addr>'],
  [/\[[0-9a-f:]*:[0-9a-f:]*\](?::\d+)?|(?<![\w:])::1\b/gi, '<addr>'],
  [/\b(localhost|[\w-]+(?:\.[\w-]+)+):\d{2,5}\b/gi, '<host>:<port>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\d+(?:\.\d+)?/g, '<n>'],
];

const MAX = 300;

export function normaliseMessage(message: string): string {
  let s = message;
  for (const [re, placeholder] of REPLACEMENTS) s = s.replace(re, placeholder);
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > MAX ? s.slice(0, MAX) : s;
}

/** Normalised `type: message`, stable across runs of the same failure. */
export function errorSignature(errorType: string | undefined, message: string): string {
  const type = (errorType ?? '').trim();
  const body = normaliseMessage(message);
  return type ? `${type}: ${body}` : body;
}
