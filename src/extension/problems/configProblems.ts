import { type JsonNode, JsonTreeError, locate, parseJsonTree, parseKeyPath, positionAt } from './jsonTree';
import type { Span } from './diagnosticModel';

export interface ConfigProblemInput {
  /** Key path as the engine reports it (`triggers.configGlobs[2]`), `''` for the file as a whole. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface PlacedProblem {
  span: Span;
  message: string;
  severity: 'error' | 'warning';
}

const SYNTAX_POSITION = /\bline (\d+), column (\d+)\b/;

/**
 * Places config problems on the text they are about: the key for a property, the value for a
 * list item, the deepest existing parent for a missing key, the reported line and column for a
 * syntax error, and the start of the document otherwise.
 */
export function placeConfigProblems(text: string, problems: readonly ConfigProblemInput[]): PlacedProblem[] {
  let root: JsonNode | null = null;
  try {
    root = parseJsonTree(text);
  } catch (e) {
    if (!(e instanceof JsonTreeError)) throw e;
  }
  return problems.map((p) => {
    const syntax = SYNTAX_POSITION.exec(p.message);
    if (syntax && p.path === '') {
      const line = Number(syntax[1]) - 1;
      const character = Number(syntax[2]) - 1;
      return {
        span: { startLine: line, startCharacter: character, endLine: line, endCharacter: character + 1 },
        message: p.message,
        severity: p.severity,
      };
    }
    if (!root) return { span: spanOf(text, 0, Math.min(1, text.length)), message: p.message, severity: p.severity };
    const found = locate(root, parseKeyPath(p.path));
    const range = found.key ?? {
      start: found.node.start,
      end: found.node.type === 'object' || found.node.type === 'array' ? found.node.start + 1 : found.node.end,
    };
    const message = found.exact || p.path === '' ? p.message : `${p.path}: ${p.message}`;
    return { span: spanOf(text, range.start, range.end), message, severity: p.severity };
  });
}

function spanOf(text: string, start: number, end: number): Span {
  const a = positionAt(text, start);
  const b = positionAt(text, end);
  return { startLine: a.line, startCharacter: a.character, endLine: b.line, endCharacter: b.character };
}
