import { oneLine } from '../postmortem/facts';
import { redactLikelySecrets } from '../content/redact';
import type { SnapshotStore } from '../snapshotStore';
import { collectFailures, groupBySignature, type SignatureGroup } from './failures';

export interface Reflection {
  agent: string;
  failures: number;
  patterns: number;
  /** Ready to hand to a model; nothing here calls one. */
  prompt: string;
}

const MAX_GROUPS = 15;

function groupText(g: SignatureGroup, n: number): string {
  const lines = [
    `${n}. [${g.category}] ${oneLine(g.example)} — ${g.count}× (${g.firstSeen} → ${g.lastSeen}; ${g.ids.slice(-5).join(', ')})`,
    g.fixes.length === 0
      ? '   What fixed it: nothing recorded yet.'
      : `   What fixed it: ${g.fixes.map((f) => oneLine(f, 200)).join(' | ')}`,
  ];
  return lines.join('\n');
}

/**
 * Assembles, for one agent, a prompt of its recurring failures and what fixed them, for the agent
 * (or a person) to turn into rules in its instructions. It never calls a model: the caller does,
 * with whatever model and review it trusts.
 */
export async function reflect(store: SnapshotStore, agent: string): Promise<Reflection> {
  const name = agent.trim();
  const dataset = await collectFailures(store);
  const mine = dataset.items.filter((i) => i.agent === name);
  const groups = groupBySignature(mine);
  const recurring = groups.filter((g) => g.count >= 2);
  const once = groups.filter((g) => g.count < 2);
  const known = [...new Set(dataset.items.map((i) => i.agent))].sort();
  const sections =
    mine.length === 0
      ? [
          `No failure of the agent "${name}" is recorded in this store.${known.length ? ` Agents with recorded failures: ${known.join(', ')}.` : ''}`,
        ]
      : [
          `## Recurring failures (${recurring.length})`,
          recurring.length === 0
            ? 'None: every failure was seen once.'
            : recurring
                .slice(0, MAX_GROUPS)
                .map((g, i) => groupText(g, i + 1))
                .join('\n'),
          '',
          `## One-off failures (${once.length})`,
          once.length === 0
            ? 'None.'
            : once
                .slice(0, MAX_GROUPS)
                .map((g, i) => groupText(g, i + 1))
                .join('\n'),
        ];
  const prompt = [
    `You are reviewing the failures of the agent "${name}" recorded by Incident Replay in ${store.workspaceRoot}: ${mine.length} failure(s) in ${groups.length} pattern(s).`,
    '',
    ...sections,
    '',
    '## What to produce',
    `Propose at most five short, concrete rules to add to the instructions of "${name}" that would have prevented the recurring failures above.`,
    'Base each rule on a failure listed here and on what fixed it; cite the ids (INC-…, RPL-…). Do not invent failures. If nothing recurs, say so and propose nothing.',
  ].join('\n');
  return { agent: name, failures: mine.length, patterns: groups.length, prompt: redactLikelySecrets(prompt) };
}
