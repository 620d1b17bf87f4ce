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

/** Global options without a value. */
const GLOBAL_FLAGS = new Set(['--trust-config']);

/** A command line a resident process may run for another CLI process (see src/cli/service/). */
export interface ServedCommand {
  /** The words that name it. */
  readonly words: readonly string[];
  /** Its own options, with whether each takes a value. */
  readonly options: ReadonlyMap<string, boolean>;
  /** It reads its standard input, which the client then sends along. */
  readonly readsInput: boolean;
}

/**
 * What scripts and agents run at every step: a checkpoint (`snapshot`) and the coding agents'
 * hooks (`hooks run`, before and after each tool call).
 */
const SERVED_COMMANDS: readonly ServedCommand[] = [
  {
    words: ['snapshot'],
    options: new Map([
      ['--label', true],
      ['--baseline', false],
      ['--json', false],
    ]),
    readsInput: false,
  },
  { words: ['hooks', 'run'], options: new Map([['--agent', true]]), readsInput: true },
];

/**
 * The served command `argv` runs, or null: only command lines read here completely (global
 * options, the command's words, its own options, each at most once), so nothing commander could
 * read differently (help, a typo, `--`) is ever sent.
 */
export function servedCommand(argv: readonly string[]): ServedCommand | null {
  const seen = new Set<string>();
  let i = 0;
  /** Reads the option at `i` (and its value); false when it is repeated or malformed. */
  const take = (takesValue: boolean): boolean => {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (seen.has(name)) return false;
    seen.add(name);
    if (!takesValue) return eq < 0;
    if (eq >= 0) return eq + 1 < arg.length;
    const value = argv[++i];
    return value !== undefined && value !== '' && !value.startsWith('-');
  };
  const nameAt = (): string => (argv[i] as string).split('=', 1)[0] as string;
  for (; i < argv.length && (argv[i] as string).startsWith('-'); i++) {
    const name = nameAt();
    if (!(GLOBAL_OPTIONS_WITH_VALUE.has(name) || GLOBAL_FLAGS.has(name)) || !take(GLOBAL_OPTIONS_WITH_VALUE.has(name))) return null;
  }
  const command = SERVED_COMMANDS.find((c) => c.words.every((w, k) => argv[i + k] === w));
  if (command === undefined) return null;
  for (i += command.words.length; i < argv.length; i++) {
    const takesValue = command.options.get(nameAt());
    if (takesValue === undefined || !take(takesValue)) return null;
  }
  return command;
}
