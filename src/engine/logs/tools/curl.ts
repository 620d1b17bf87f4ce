/**
 * curl's own errors: `curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't
 * connect to server`. The number is curl's exit code; the common ones are explained, since the
 * message alone ("Empty reply from server") does not say which side failed.
 */
import type { ToolHit } from './hit';

const CURL = /\bcurl: \((\d{1,2})\) (.+)$/;

/** curl exit codes (libcurl CURLcode) worth a word of explanation. */
const MEANING: Record<number, string> = {
  5: 'the proxy host could not be resolved',
  6: 'the host name could not be resolved (DNS)',
  7: 'nothing accepted the connection (the server is down or the port is wrong)',
  22: 'the server answered with an HTTP error status',
  28: 'the operation timed out',
  35: 'the TLS handshake failed',
  47: 'too many redirects',
  51: "the server's certificate did not match",
  52: 'the server closed the connection without a reply',
  56: 'the connection failed while receiving data',
  60: 'the server certificate could not be verified',
};

export function curlMessage(text: string): ToolHit | null {
  const m = CURL.exec(text);
  if (!m) return null;
  const code = Number(m[1]);
  const meaning = MEANING[code];
  return {
    errorType: `curl (${code})`,
    message: `curl: (${code}) ${(m[2] ?? '').trim()}${meaning ? ` [curl exit ${code}: ${meaning}]` : ''}`,
    index: m.index,
    exitCode: code,
  };
}
