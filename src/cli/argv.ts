/*
 * What the command line asks for, read before anything is loaded: the launcher (dist/cli.js) and
 * the program both use it, so it imports nothing.
 */

/** The global options that take a value, so that value is not mistaken for the verb. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--workspace', '--store', '--config']);

/** Verbs whose command snapshots first thing (see StoreUse.capturesFirst in context.ts). */
export const CAPTURING_VERBS: ReadonlySet<string> = new Set(['snapshot', 'analyze', 'run']);

/**
 * The verb `argv` runs, or undefined when it names none (help, --version, a typo), in which case
 * every command must be known: for the help listing and commander's "did you mean".
 */
export function commandVerb(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return argv[i + 1];
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return arg;
  }
  return undefined;
}

/**
 * The value of a global option that takes one (`--store DIR` or `--store=DIR`), given before the
 * verb; undefined when absent. Only a hint for work started early: commander has the last word.
 */
export function globalOptionValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--' || !arg.startsWith('-')) break;
    if (arg === name) value = argv[++i];
    else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
    else if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
  }
  return value;
}
