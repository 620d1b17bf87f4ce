/**
 * `npm run corpus`: every corpus case through the real flow, one line per case, then the three
 * figures. `npm run corpus -- ID...` runs only the cases whose id contains one of the arguments;
 * `--json` prints the scores and figures as JSON.
 */
import { CORPUS } from './cases';
import { figures, runCase, type CaseScore } from './measure';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const filters = args.filter((a) => a !== '--json');
  const cases = CORPUS.filter((c) => filters.length === 0 || filters.some((f) => c.id.includes(f)));
  const scores: CaseScore[] = [];
  for (const c of cases) {
    const { score, incident } = await runCase(c);
    scores.push(score);
    if (json) continue;
    const mark = (ok: boolean): string => (ok ? 'ok ' : 'BAD');
    console.log(
      `${c.id.padEnd(34)} category ${mark(score.category.ok)} ${score.category.got.padEnd(19)}` +
        ` located ${score.located ? mark(score.located.ok) : 'n/a'}` +
        ` trigger ${mark(score.trigger.ok)} ${score.trigger.got}${score.trigger.ok ? '' : ` (want ${score.trigger.want})`}`,
    );
    if (process.env.CORPUS_VERBOSE && incident)
      console.log(
        JSON.stringify(
          {
            rootCause: incident.rootCause,
            triggers: incident.triggers.map((t) => `${t.kind} ${t.severity} ${t.file}:${t.line}-${t.endLine} ${t.message.slice(0, 100)}`),
          },
          null,
          2,
        ),
      );
  }
  const f = figures(scores);
  if (json) {
    console.log(JSON.stringify({ scores, figures: f }, null, 2));
    return;
  }
  console.log(`\n${f.cases} cases: category ${f.category}%  error located ${f.located}%  triggering file ${f.trigger}%`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
