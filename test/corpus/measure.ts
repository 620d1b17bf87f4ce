/**
 * Runs corpus cases through the real flow (baseline snapshot → the agent or job runs → `analyze
 * --json` through the built CLI) and scores the incident against each case's ground truth.
 */
import { readFileSync } from 'node:fs';
import type { Incident, RootCauseCategory } from '../../src/engine/types';
import { cli, settle, TempWorkspace } from '../support/workspace';
import { AgentSession, type AgentFormat } from './builders';

export interface CaseContext {
  w: TempWorkspace;
  agent: AgentSession;
  /** An intermediate snapshot (drift cases step through several). */
  snapshot: (label: string) => Promise<void>;
}

export interface CorpusCase {
  id: string;
  category: RootCauseCategory;
  agent: AgentFormat;
  /** What the agent was asked (the transcript's first message). */
  task: string;
  /** Files at the baseline. */
  files: Record<string, string | Buffer>;
  /** What real programs make before the baseline (a database, an archive). */
  setup?(w: TempWorkspace): Promise<void>;
  /** The log line of the real error: the first line of `file` matching `match`; absent for drift with no error. */
  errorAt?: { file: string; match: RegExp };
  /** The workspace file whose change set the failure off, or 'external' when none did. */
  trigger: string;
  run(ctx: CaseContext): Promise<void>;
}

export interface CaseScore {
  id: string;
  category: { want: RootCauseCategory; got: RootCauseCategory | 'no incident'; ok: boolean };
  located: { want: string; ok: boolean } | null;
  trigger: { want: string; got: string; ok: boolean };
}

async function snapshot(w: TempWorkspace, ...args: string[]): Promise<void> {
  const r = cli(w, 'snapshot', ...args);
  if (r.code !== 0) throw new Error(`snapshot failed: ${r.stderr}`);
  // Past the racy-timestamp window, so the next write gets a distinct mtime.
  await settle(30);
}

export async function runCase(c: CorpusCase): Promise<{ score: CaseScore; incident: Incident | null }> {
  const w = new TempWorkspace(c.files);
  try {
    await c.setup?.(w);
    await snapshot(w, '--baseline', '--label', 'baseline');
    const agent = new AgentSession(w, c.agent, c.task);
    await c.run({ w, agent, snapshot: (label) => snapshot(w, '--label', label) });
    agent.save();
    await settle(30);
    const r = cli(w, 'analyze', '--json');
    if (r.code !== 0) throw new Error(`${c.id}: analyze failed: ${r.stderr}`);
    const incident = (JSON.parse(r.stdout) as { incident: Incident | null }).incident;
    return { score: scoreCase(c, w, incident), incident };
  } finally {
    w.dispose();
  }
}

/** A missed incident scores nothing: the user was told all is well. */
function scoreCase(c: CorpusCase, w: TempWorkspace, inc: Incident | null): CaseScore {
  const got = inc?.rootCause.category ?? 'no incident';
  let located: CaseScore['located'] = null;
  if (c.errorAt) {
    const text = readFileSync(w.path(c.errorAt.file), 'utf8');
    const lines = text.split('\n');
    const i = lines.findIndex((l) => c.errorAt?.match.test(l));
    if (i < 0)
      throw new Error(
        `${c.id}: the program did not write ${String(c.errorAt.match)} to ${c.errorAt.file}; the case is broken:\n${text.slice(-1500)}`,
      );
    const line = i + 1;
    const ok = (inc?.triggers ?? []).some(
      (t) => t.file === c.errorAt?.file && t.severity === 'error' && t.line <= line && line <= Math.max(t.line, t.endLine),
    );
    located = { want: `${c.errorAt.file}:${line}`, ok };
  }
  const tc = inc?.rootCause.triggeringChange;
  const gotTrigger = inc ? (tc ? tc.path : 'external') : 'no incident';
  return {
    id: c.id,
    category: { want: c.category, got, ok: got === c.category },
    located,
    trigger: { want: c.trigger, got: gotTrigger, ok: gotTrigger === c.trigger },
  };
}

export interface Figures {
  cases: number;
  category: number;
  located: number;
  trigger: number;
}

export function figures(scores: readonly CaseScore[]): Figures {
  const pct = (ok: number, n: number): number => (n === 0 ? 100 : Math.round((1000 * ok) / n) / 10);
  const withError = scores.filter((s) => s.located);
  return {
    cases: scores.length,
    category: pct(scores.filter((s) => s.category.ok).length, scores.length),
    located: pct(withError.filter((s) => s.located?.ok).length, withError.length),
    trigger: pct(scores.filter((s) => s.trigger.ok).length, scores.length),
  };
}
