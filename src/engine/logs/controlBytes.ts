/**
 * Whether raw log bytes hold control characters the scanner would strip (anything below
 * 0x20 but TAB, LF and CR, and DEL). Checked on bytes, four at a time, because the usual
 * answer is "none" and a per-line regex for it costs as much as all the detectors together.
 * In UTF-8 these bytes only ever stand for themselves, so the answer holds for the text too.
 */

function isControlByte(b: number): boolean {
  return b < 0x20 ? b !== 0x09 && b !== 0x0a && b !== 0x0d : b === 0x7f;
}

const EMPTY = new Uint32Array(0);

export function hasControlBytes(bytes: Uint8Array): boolean {
  const n = bytes.length;
  let i = 0;
  while (i < n && ((bytes.byteOffset + i) & 3) !== 0) {
    if (isControlByte(bytes[i] as number)) return true;
    i++;
  }
  const words = n - i >= 4 ? new Uint32Array(bytes.buffer, bytes.byteOffset + i, (n - i) >>> 2) : EMPTY;
  for (let w = 0; w < words.length; w++) {
    const x = words[w] as number;
    const del = x ^ 0x7f7f7f7f;
    // Some byte below 0x20, or some byte equal to 0x7f (the classic SWAR "has less than" and
    // "has zero" tests; they may flag a neighbour byte too, never miss one).
    if ((((x - 0x20202020) & ~x) | ((del - 0x01010101) & ~del)) & 0x80808080) {
      const at = i + w * 4;
      for (let k = at; k < at + 4; k++) if (isControlByte(bytes[k] as number)) return true;
    }
  }
  for (let k = i + words.length * 4; k < n; k++) if (isControlByte(bytes[k] as number)) return true;
  return false;
}
