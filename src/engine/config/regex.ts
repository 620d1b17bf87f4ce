/** Checks that a config regex compiles, so a bad one is reported at load time with its key path. */
export function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (err) {
    // V8 says "Invalid regular expression: /(/: Unterminated group"; keep the part after the source.
    const detail = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return `invalid regular expression ${JSON.stringify(source)}: ${detail}`;
  }
}
