/**
 * JSON Web Tokens: `header.payload.signature` in base64url, the header a JSON object that
 * starts `{"` (so `eyJ`). A bearer credential whoever holds it, whatever issued it.
 */

/** Header and payload both begin `eyJ`; the signature may be absent (`alg: none`) or hold `/`, `+`, `=` from careless encoders. */
export const JWT_PATTERN =
  /(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{10,4096}\.eyJ[A-Za-z0-9_\-]{4,16384}\.(?:[A-Za-z0-9_\-+/]{10,4096}={0,2})?/g;

function decodeSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether a match of `JWT_PATTERN` has a header naming an algorithm or a type, or at least a payload that decodes to a JSON object (hand-made test tokens often break the header). */
export function isJwt(token: string): boolean {
  const [head = '', payload = ''] = token.split('.');
  const header = decodeSegment(head);
  if (typeof header === 'object' && header !== null && ('alg' in header || 'typ' in header || 'kid' in header || 'enc' in header))
    return true;
  const body = decodeSegment(payload);
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}
