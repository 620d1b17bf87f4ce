/**
 * Splits streamed log bytes into lines without ever holding more than one (cut) line:
 * a line longer than `maxLineLength` keeps its first `maxLineLength` characters and the
 * rest is skipped up to the next newline, so a 200 MB file without newlines costs 10 KB.
 */
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private current = '';
  /** The current line already reached the limit: drop input until its newline. */
  private overflowing = false;

  constructor(
    private readonly maxLineLength: number,
    private readonly onLine: (line: string) => void,
  ) {}

  write(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer);
    let pos = 0;
    while (pos < text.length) {
      const nl = text.indexOf('\n', pos);
      const end = nl === -1 ? text.length : nl;
      if (!this.overflowing) {
        const room = this.maxLineLength - this.current.length;
        const piece = text.slice(pos, Math.min(end, pos + room + 1));
        this.current += piece;
        if (this.current.length > this.maxLineLength) this.overflowing = true;
      }
      if (nl === -1) break;
      this.emit();
      pos = nl + 1;
    }
  }

  end(): void {
    const rest = this.decoder.end();
    if (rest) this.write(rest);
    if (this.current !== '' || this.overflowing) this.emit();
  }

  private emit(): void {
    // One extra character is kept past the limit so the scanner knows the line was cut.
    const line = this.current;
    this.current = '';
    this.overflowing = false;
    this.onLine(line);
  }
}
