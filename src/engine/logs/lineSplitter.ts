/**
 * Splits streamed log bytes into lines without ever holding more than one (cut) line:
 * a line longer than `maxLineLength` keeps its first `maxLineLength` characters and the
 * rest is skipped up to the next newline, so a 200 MB file without newlines costs 10 KB.
 */
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { hasControlBytes } from './controlBytes';

/**
 * `plain`: the line came from bytes without control characters (see hasControlBytes), so a
 * consumer may skip looking for them. Text written as strings is never called plain.
 */
export type LineHandler = (line: string, plain: boolean) => void;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private current = '';
  /** Every chunk the current line drew from was plain. */
  private currentPlain = true;
  /** The current line already reached the limit: drop input until its newline. */
  private overflowing = false;
  /** The decoder holds no bytes of an unfinished character (true after any ASCII chunk, which ends in a whole one). */
  private decoderIdle = true;

  constructor(
    private readonly maxLineLength: number,
    private readonly onLine: LineHandler,
  ) {}

  write(chunk: Uint8Array | string): void {
    if (typeof chunk === 'string') {
      this.writeText(chunk, false);
      return;
    }
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const ascii = isAscii(buf);
    // ASCII is its own UTF-8 decoding and latin1 copies it straight into a one-byte string,
    // several times faster than the decoder; most logs are ASCII throughout.
    const text = ascii && this.decoderIdle ? buf.toString('latin1') : this.decoder.write(buf);
    this.decoderIdle = ascii;
    this.writeText(text, !hasControlBytes(buf));
  }

  end(): void {
    // Left-over bytes of a cut multi-byte character decode to U+FFFD, never to a control character.
    const rest = this.decoder.end();
    if (rest) this.writeText(rest, true);
    if (this.current !== '' || this.overflowing) this.emit();
  }

  private writeText(text: string, plain: boolean): void {
    let pos = 0;
    while (pos < text.length) {
      const nl = text.indexOf('\n', pos);
      const end = nl === -1 ? text.length : nl;
      if (!plain) this.currentPlain = false;
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

  private emit(): void {
    // One extra character is kept past the limit so the scanner knows the line was cut.
    const line = this.current;
    const plain = this.currentPlain;
    this.current = '';
    this.currentPlain = true;
    this.overflowing = false;
    this.onLine(line, plain);
  }
}
