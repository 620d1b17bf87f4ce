/**
 * Windows event logs as `wevtutil qe <log> /f:text` prints them: an `Event[n]:` line, indented
 * `Name: value` fields (`Level: Error`, `Date: 2024-05-20T14:02:03.123`), then the description
 * on the lines after `Description:`. Error and Critical events fire, the others do not.
 */
import { type Draft, EvidenceBuffer, type FeedResult, type LogBlock, Weight } from '../findings';

const START = /^Event\[\d+\]:\s*$/;
const FIELD = /^\s+([A-Za-z][\w ]*?):\s?(.*)$/;
const MAX_LINES = 500;

export function isWindowsEventStart(text: string): boolean {
  return text.startsWith('Event[') && START.test(text);
}

export class WindowsEventBlock implements LogBlock {
  private readonly evidence = new EvidenceBuffer();
  private readonly fields = new Map<string, { value: string; no: number }>();
  private description: { text: string; no: number } | undefined;
  private inDescription = false;
  private lines = 0;
  private endLine: number;

  constructor(startLine: number, text: string) {
    this.endLine = startLine;
    this.evidence.add(startLine, text, Weight.Noise);
  }

  feed(text: string, no: number): FeedResult {
    if (START.test(text) || this.lines++ >= MAX_LINES) return 'end';
    if (this.inDescription) {
      // The description runs to the blank line that ends the event.
      if (text.trim() === '') return this.description ? 'end' : 'consumed';
      if (!this.description) this.description = { text: text.trim(), no };
      this.evidence.add(no, text, this.description.no === no ? Weight.Header : Weight.Other);
      this.endLine = no;
      return 'consumed';
    }
    const f = FIELD.exec(text);
    if (!f) return 'end';
    const key = f[1] ?? '';
    const value = (f[2] ?? '').trim();
    this.fields.set(key, { value, no });
    if (key === 'Description') {
      this.inDescription = true;
      if (value) this.description = { text: value, no };
    }
    this.evidence.add(
      no,
      text,
      key === 'Level' || key === 'Source' || key === 'Event ID' ? Weight.Key : key === 'Date' ? Weight.Other : Weight.Noise,
    );
    this.endLine = no;
    return 'consumed';
  }

  finish(): Draft | null {
    const level = this.fields.get('Level');
    if (level?.value !== 'Error' && level?.value !== 'Critical') return null;
    const source = this.fields.get('Source')?.value ?? 'event';
    const id = this.fields.get('Event ID')?.value;
    return {
      rule: 'level_error',
      severity: 'error',
      line: this.description?.no ?? level.no,
      column: 1,
      endLine: this.endLine,
      message: `${source}${id ? ` (event ${id})` : ''}: ${this.description?.text ?? `${level.value} event`}`,
      frames: [],
      evidence: this.evidence,
    };
  }
}
