/**
 * The incident view's pure work for a 10,000-event incident, as the webview does it when the
 * incident arrives: check the message, build the timeline model, compute the rows, the time
 * axis and the first visible window, the decision chain and the navigation index. The DOM part
 * (about forty rows) is small next to this. Prints milliseconds; `--json` prints one JSON object.
 *
 *   node --import tsx scripts/bench/webview.ts [--events N] [--runs R] [--json]
 */
import type { Decision, IncidentView, TimelineEvent, Trigger } from '../../src/protocol/incidentView';
import { isHostMessage } from '../../src/protocol/messages';
import { buildDecisionChain } from '../../webview/model/decisionChain';
import { IncidentIndex } from '../../webview/model/navigation';
import { buildTimeAxis } from '../../webview/model/timeAxis';
import { buildTimelineModel, timelineRows } from '../../webview/model/timeline';
import { computeWindow } from '../../webview/model/virtualWindow';

const args = process.argv.slice(2);
const num = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : dflt;
  return Number.isFinite(v) && v > 0 ? v : dflt;
};

/** A deterministic incident: every kind and severity, bursts, a long gap, estimated times, decisions and triggers. */
function syntheticIncident(events: number): IncidentView {
  const t0 = 1_795_000_000_000;
  const kinds: TimelineEvent['kind'][] = ['snapshot', 'file_change', 'log', 'trigger', 'decision', 'commit'];
  const decisions: Decision[] = [];
  const triggers: Trigger[] = [];
  const timeline: TimelineEvent[] = [];
  for (let i = 0; i < events; i++) {
    const kind = kinds[i % kinds.length] as TimelineEvent['kind'];
    // Bursts every 500 events, a ten-minute gap in the middle.
    const timestamp = t0 + i * 40 - (i % 500 < 50 ? (i % 500) * 35 : 0) + (i > events / 2 ? 600_000 : 0);
    const e: TimelineEvent = {
      id: `${kind}:${i}`,
      timestamp,
      estimated: i % 17 === 0,
      kind,
      title: `${kind} event ${i}: worker ${i % 31} processed batch ${i % 97}`,
      file: `logs/worker-${i % 31}.log`,
      line: (i % 400) + 1,
    };
    if (i % 7 === 0) e.severity = 'error';
    else if (i % 5 === 0) e.severity = 'warning';
    if (kind === 'file_change') e.diff = { from: 'base', to: 'post', path: e.file as string };
    if (kind === 'decision') {
      const id = `D${i}`;
      e.ref = id;
      decisions.push({
        id,
        timestamp,
        timestampEstimated: false,
        kind: i % 4 === 0 ? 'action' : 'decision',
        text: `run step ${i}`,
        file: 'agent/agent.log',
        line: decisions.length + 1,
        source: 'marker',
      });
    }
    if (kind === 'trigger') {
      const id = `T${i}`;
      e.ref = id;
      triggers.push({
        id,
        kind: 'log_error',
        severity: 'error',
        file: e.file as string,
        line: e.line as number,
        column: 1,
        endLine: e.line as number,
        message: e.title,
        evidence: e.title,
        timestamp,
        timestampEstimated: false,
      });
    }
    timeline.push(e);
  }
  const last = decisions[decisions.length - 1];
  if (last && triggers[0]) last.triggerIds = [triggers[0].id];
  return {
    id: 'INC-0001',
    title: 'synthetic',
    createdAt: t0,
    severity: 'high',
    status: 'open',
    resolvedAt: null,
    baselineId: 'base',
    postId: 'post',
    snapshotIds: ['base', 'post'],
    rootCause: {
      category: 'logic_error',
      confidence: 0.5,
      description: 'synthetic',
      alternatives: [],
      evidence: [],
      contributingFactors: [],
      triggeringChange: null,
    },
    triggers,
    timeline,
    decisions,
    changes: [],
    remediation: [],
    signature: 'x',
    repeatOf: null,
  };
}

/** With `--expose-gc` (as `npm run bench` runs), collect first so one stage does not pay for the last one's garbage. */
const collect = (globalThis as { gc?: () => void }).gc;

function time<T>(fn: () => T): [T, number] {
  collect?.();
  const t = process.hrtime.bigint();
  const r = fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e6];
}

function main(): void {
  const events = num('--events', 10_000);
  const runs = num('--runs', 5);
  const incident = syntheticIncident(events);
  // What arrives through postMessage is a structured clone; JSON round-trip stands in for it.
  const wire = JSON.parse(JSON.stringify({ type: 'incident', folder: 'file:///ws', incident })) as unknown;
  const samples: Record<string, number[]> = { guard: [], model: [], rows: [], axis: [], window: [], chain: [], index: [], total: [] };
  for (let r = 0; r < runs; r++) {
    const [ok, guard] = time(() => isHostMessage(wire));
    if (!ok) throw new Error('the synthetic incident does not pass the message guard');
    const [model, modelMs] = time(() => buildTimelineModel(incident.timeline, incident.decisions));
    const query = {
      hiddenKinds: new Set<never>(),
      hiddenSeverities: new Set<never>(),
      search: '',
      groupByKind: false,
      collapsedKinds: new Set<never>(),
    };
    const [rows, rowsMs] = time(() => timelineRows(model, query));
    const [, axisMs] = time(() => buildTimeAxis(model, rows, 80));
    const [win, winMs] = time(() =>
      computeWindow({ rowCount: rows.length, rowHeight: 26, scrollTop: 0, viewportHeight: 800, overscan: 12 }),
    );
    if (win.end - win.first > 60) throw new Error('the visible window is not virtualised');
    const [, chainMs] = time(() => buildDecisionChain(incident.decisions, incident.triggers));
    const [, indexMs] = time(() => new IncidentIndex(incident));
    const parts = { guard, model: modelMs, rows: rowsMs, axis: axisMs, window: winMs, chain: chainMs, index: indexMs };
    for (const [k, v] of Object.entries(parts)) samples[k]?.push(v);
    samples.total?.push(Object.values(parts).reduce((a, b) => a + b, 0));
  }
  // The first run pays for JIT warm-up as the webview does; report it and the median of the rest.
  const median = (xs: number[]): number => {
    const s = xs.slice(1).sort((a, b) => a - b);
    return s.length === 0 ? (xs[0] ?? 0) : (s[Math.floor(s.length / 2)] ?? 0);
  };
  const result = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, { first: xs[0] ?? 0, median: median(xs) }]));
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ events, runs, ms: result })}\n`);
    return;
  }
  console.log(`incident view, ${events} events (${runs} runs): first run / median of the others, ms`);
  for (const [k, v] of Object.entries(result))
    console.log(`  ${k.padEnd(8)} ${v.first.toFixed(1).padStart(8)} ${v.median.toFixed(1).padStart(8)}`);
  const firstTotal = result.total?.first ?? 0;
  console.log(`target: view model + first window under 300 ms: ${firstTotal < 300 ? 'pass' : 'FAIL'} (${firstTotal.toFixed(1)} ms)`);
}

main();
