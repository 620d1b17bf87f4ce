/**
 * "The last timestamp seen" over a stream of log lines, parsed lazily: lines are only
 * remembered, and parsed newest first when the answer is asked for (or when the memory is
 * full), so a log whose lines all carry a time costs one parse per window instead of one per
 * line. The answer is the same as parsing every line in order and keeping the last hit.
 */
import { parseLineTimestamp, type TimestampContext } from './timestamps';

/** Lines remembered before they are resolved; bounds memory to this many line references. */
const WINDOW = 256;

export class TimestampTrail {
  private last: number | null = null;
  private readonly pending: string[] = [];

  /**
   * @param head Only this many leading characters of a line are read for its time (a time
   *   further in is more likely part of the message than the line's own).
   */
  constructor(
    private readonly head: number,
    private readonly ctx: TimestampContext = {},
  ) {}

  /** Epoch ms of a line's own timestamp, read from its first `head` characters. */
  parse(line: string): number | null {
    return parseLineTimestamp(line.length > this.head ? line.slice(0, this.head) : line, this.ctx)?.ms ?? null;
  }

  /** The next line, whose time (if any) is not known yet. */
  note(line: string): void {
    if (this.pending.length >= WINDOW) this.resolve();
    this.pending.push(line);
  }

  /** The next line, already parsed by the caller: its time supersedes everything before it. */
  noteParsed(line: string, ms: number | null): void {
    if (ms === null) {
      this.note(line);
      return;
    }
    this.pending.length = 0;
    this.last = ms;
  }

  /** The time of the latest line noted so far that carries one, else null. */
  current(): number | null {
    this.resolve();
    return this.last;
  }

  private resolve(): void {
    // Newest first: the first line that parses makes every older one irrelevant.
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const ms = this.parse(this.pending[i] as string);
      if (ms !== null) {
        this.last = ms;
        break;
      }
    }
    this.pending.length = 0;
  }
}
