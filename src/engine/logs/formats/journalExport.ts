/**
 * `journalctl -o export`: one entry per run of `KEY=value` lines, a blank line between entries.
 * The entry's PRIORITY is its syslog severity (0 emerg ... 3 err, 4 warning and above do not
 * fire), its time `__REALTIME_TIMESTAMP` in microseconds, its text `MESSAGE`.
 */
import { type Draft, EvidenceBuffer, type FeedResult, type LogBlock, Weight } from '../findings';

const FIELD = /^([A-Z0-9_]+)=(.*)$/;
/** An entry is at most this many fields; beyond it the text is not an export any more. */
const MAX_FIELDS = 400;
const SEVERITY = ['EMERG', 'ALERT', 'CRIT', 'ERR'];

export function isJournalExportStart(text: string): boolean {
  return (text.startsWith('__CURSOR=') || text.startsWith('__REALTIME_TIMESTAMP=')) && FIELD.test(text);
}

export class JournalExportBlock implements LogBlock {
  private readonly evidence = new EvidenceBuffer();
  private priority: number | undefined;
  private micros: string | undefined;
  private message: { text: string; no: number } | undefined;
  private identifier: string | undefined;
  private fields = 0;
  private endLine: number;

  constructor(
    private readonly startLine: number,
    text: string,
  ) {
    this.endLine = startLine;
    this.take(text, startLine);
  }

  private take(text: string, no: number): boolean {
    const m = FIELD.exec(text);
    if (!m) return false;
    const [, key = '', value = ''] = m;
    if (key === 'PRIORITY' && /^\d$/.test(value)) this.priority = Number(value);
    else if (key === '__REALTIME_TIMESTAMP' && /^\d{10,20}$/.test(value)) this.micros = value;
    else if (key === 'MESSAGE' && !this.message) this.message = { text: value, no };
    else if (key === 'SYSLOG_IDENTIFIER') this.identifier = value;
    this.evidence.add(
      no,
      text,
      key === 'MESSAGE' ? Weight.Header : key === 'PRIORITY' || key === 'SYSLOG_IDENTIFIER' ? Weight.Key : Weight.Noise,
    );
    this.endLine = no;
    this.fields++;
    return true;
  }

  feed(text: string, no: number): FeedResult {
    // The blank line closing the entry is not part of it; neither is anything that is not a field.
    if (this.fields >= MAX_FIELDS || !this.take(text, no)) return 'end';
    return 'consumed';
  }

  finish(): Draft | null {
    const level = this.priority === undefined ? undefined : SEVERITY[this.priority];
    if (!level) return null;
    const at = this.message?.no ?? this.startLine;
    const text = this.message?.text ?? '';
    const draft: Draft = {
      rule: 'level_error',
      severity: 'error',
      line: at,
      column: 1,
      endLine: this.endLine,
      message: this.identifier ? `${this.identifier}: ${text}` : text || `journal entry at priority ${level}`,
      frames: [],
      evidence: this.evidence,
    };
    if (this.micros !== undefined) draft.timestamp = Math.floor(Number(this.micros) / 1000);
    return draft;
  }
}
