import path from 'node:path';
import { oneLine } from '../postmortem/facts';
import { markdownOwnership, stampMarkdown, writeGenerated } from '../report/generatedFile';
import { code, inline, table } from '../report/markdownText';
import { learningsText } from '../report/storeReports';
import type { SnapshotStore } from '../snapshotStore';
import { collectFailures, groupBySignature, type FailureDataset } from './failures';

export interface WrittenLearnings {
  file: string;
  incidents: number;
  agentFailures: number;
}

/** Failed agent tasks and tool calls, grouped like the incidents' patterns above them. */
function agentRunsSection(dataset: FailureDataset): string {
  const groups = groupBySignature(dataset.items.filter((i) => i.source !== 'incident'));
  const body =
    groups.length === 0
      ? 'No failed agent task or tool call has been recorded yet (agents record them with `record_replay` / `annotate_replay`, or through the hooks).'
      : table(
          ['Agent', 'Count', 'Failure', 'Replays', 'What fixed it'],
          groups.map((g) => [
            inline(g.agents.join(', ')),
            String(g.count),
            `${code(g.category)} ${inline(oneLine(g.example))}`,
            inline(g.ids.slice(-5).join(', ')),
            g.fixes.length === 0 ? '_nothing recorded_' : g.fixes.map((f) => inline(oneLine(f))).join('<br>'),
          ]),
        );
  return ['## Agent runs', '', body].join('\n');
}

/**
 * The learnings file of `incident-replay learnings` (reused as is) with a section for agents'
 * failed tasks and tool calls; the ownership marker covers both, so a hand-edited file is still
 * never overwritten without `force`.
 */
export async function writeLearnings(
  store: SnapshotStore,
  opts: { out?: string; force?: boolean; now?: number } = {},
): Promise<WrittenLearnings> {
  const incidentsPart = await learningsText(store, opts.now ?? Date.now());
  const body = incidentsPart.slice(incidentsPart.indexOf('\n') + 1).trimEnd();
  const dataset = await collectFailures(store);
  const content = stampMarkdown(`${body}\n\n${agentRunsSection(dataset)}\n`);
  const file = path.resolve(store.workspaceRoot, opts.out ?? store.config.learningsFile);
  await writeGenerated(file, content, { force: opts.force ?? false, ownership: markdownOwnership });
  return { file, incidents: dataset.counts.incidents, agentFailures: dataset.counts.replays + dataset.counts.runs };
}
