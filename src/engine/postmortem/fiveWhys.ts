import type { RootCauseCategory } from '../types';
import { actorOf, checksBetween, oneLine, statusWord, UPSTREAM_FAILURE, upstreamSignal, whereOf, type IncidentFacts } from './facts';
import type { WhyStep } from './types';
import { formatDuration, sinceWords } from '../../model/format';

type Evidence = WhyStep['evidence'][number];

function drafted(question: string, answer: string, evidence: Evidence[]): WhyStep {
  const seen = new Set<string>();
  const unique = evidence.filter((e) => !seen.has(`${e.kind}\0${e.ref}`) && seen.add(`${e.kind}\0${e.ref}`));
  return { question, answer, evidence: unique, state: 'drafted' };
}

/**
 * Where the evidence runs out the chain ends with a question for the team, left empty: the
 * draft never presents a guess about people or process as a finding.
 */
function openQuestion(question: string): WhyStep {
  return { question: `${question} (question for the team)`, answer: '', evidence: [], state: 'empty' };
}

/** What would have stopped a bad change to a file of this role before it ran. */
const SAFEGUARD: Record<string, string> = {
  config: 'a schema check, a dry run or an approval',
  code: 'a test run or a review',
  data: 'a validation of the data or an approval',
  output: 'a check of the output before it was published',
  doc: 'an approval',
};

const CATEGORY_QUESTION: Record<RootCauseCategory, string> = {
  config_error: 'Why can a configuration change reach a run without being validated?',
  data_corruption: 'Why can malformed or truncated data reach the job without being rejected first?',
  drift: 'Why did the gradual degradation across snapshots not raise an alert before it became an incident?',
  external_failure: 'Why does the job fail outright when a dependency is unavailable, instead of retrying, degrading or failing over?',
  logic_error: 'Why could the faulty code run without a test that exercises this path?',
  resource_exhaustion: 'Why was there no limit or alert with headroom before the resource ran out?',
};

/**
 * A Five Whys chain drafted from the evidence: the failure → the change behind it → the
 * recorded step that made the change → why nothing stopped it → (for the team) the process
 * gap. Each drafted answer cites the triggers, changes and decisions it rests on; the chain is
 * shorter than five when the evidence runs out.
 */
export function draftFiveWhys(f: IncidentFacts): WhyStep[] {
  const { incident, failure, change } = f;
  const rc = incident.rootCause;
  if (failure === null) return [openQuestion('What failed? The analysis recorded no trigger')];
  const whys: WhyStep[] = [];
  const failureName = failure.errorType ?? (failure.kind === 'log_error' ? 'the error' : `the ${failure.kind.replace(/_/g, ' ')}`);
  whys.push(
    drafted(
      failure.kind === 'log_error' ? 'Why did the run fail?' : 'Why was this flagged?',
      `${oneLine(failure.message)} (${failure.id} at ${whereOf(failure)})`,
      [{ kind: 'trigger', ref: failure.id }],
    ),
  );

  const citing: Evidence[] = rc.evidence.filter((e) => e.category === rc.category).map((e): Evidence => ({ kind: e.kind, ref: e.ref }));

  if (change === null) {
    const signal = upstreamSignal(f);
    const endpoint = f.endpoints[0];
    if (rc.category === 'external_failure' && signal !== null) {
      whys.push(
        drafted(
          `Why did ${failureName} happen?`,
          `The job depends on ${endpoint ?? 'an external service'}, which ${UPSTREAM_FAILURE[signal] ?? 'failed'}; no file changed ${sinceWords(incident.since)} names it`,
          [{ kind: 'trigger', ref: failure.id }, ...citing],
        ),
      );
    } else {
      const top = rc.evidence.find((e) => e.category === rc.category && !(e.kind === 'trigger' && e.ref === failure.id));
      if (top !== undefined) {
        whys.push(drafted(`Why did ${failureName} happen?`, oneLine(top.description), [{ kind: top.kind, ref: top.ref }]));
      }
    }
    whys.push(openQuestion(CATEGORY_QUESTION[rc.category]));
    return whys;
  }

  const changed = `${change.path} was ${statusWord(change.status)} ${sinceWords(incident.since)}`;
  const onPath = incident.triggers.filter((t) => t.file === change.path && t.kind !== 'log_error');
  whys.push(
    drafted(
      `Why did ${failureName} happen?`,
      `${changed}${change.keys?.length ? ` (${change.keys.join(', ')})` : ''}: ${oneLine(change.reason)}`,
      [{ kind: 'change', ref: change.path }, ...onPath.map((t): Evidence => ({ kind: 'trigger', ref: t.id })), ...citing],
    ),
  );

  const verb = change.status === 'removed' ? 'deleted' : change.status === 'added' ? 'added' : 'changed';
  const maker = f.makers[f.makers.length - 1];
  if (maker === undefined) {
    whys.push(openQuestion(`Why was ${change.path} ${verb}? No recorded agent step names it; what made the change?`));
    return whys;
  }
  const reason = f.makers.length > 1 ? f.makers[0] : undefined;
  const reasoning = reason
    ? `; the decision recorded just before it (${reason.id}): ${oneLine(reason.text)}`
    : maker.rationale
      ? `; reasoning: ${oneLine(maker.rationale)}`
      : '';
  whys.push(
    drafted(
      `Why was ${change.path} ${verb}?`,
      `${actorOf(f) === 'the agent' ? 'The agent' : 'A recorded step'} did it in ${maker.id} (${maker.kind} at ${maker.file}:${maker.line}): ${oneLine(maker.text)}${reasoning}`,
      f.makers.map((d): Evidence => ({ kind: 'decision', ref: d.id })),
    ),
  );

  const firstError = f.firstError ?? failure;
  const checks = checksBetween(f, maker.timestamp, firstError.timestamp).filter((d) => d.id !== maker.id);
  const role = change.role;
  if (checks.length === 0) {
    const delay = firstError.timestamp - maker.timestamp;
    whys.push(
      drafted(
        `Why did nothing stop the ${change.status === 'removed' ? 'deletion of' : 'change to'} ${change.path} before the failure?`,
        `No test, validation, review or approval step is recorded between ${maker.id} and ${firstError.id}: ` +
          `the first signal was ${firstError.id} (${oneLine(firstError.message, 80)})${delay >= 0 ? `, ${formatDuration(delay)} later` : ''}`,
        [
          { kind: 'decision', ref: maker.id },
          { kind: 'trigger', ref: firstError.id },
        ],
      ),
    );
  } else {
    const check = checks[0];
    if (check !== undefined) {
      whys.push(
        drafted(
          `Why did the check after ${maker.id} not catch it?`,
          `${check.id} (${check.kind}: ${oneLine(check.text, 80)}) ran after the change, and ${firstError.id} still followed`,
          [
            { kind: 'decision', ref: check.id },
            { kind: 'trigger', ref: firstError.id },
          ],
        ),
      );
    }
  }
  const safeguard = SAFEGUARD[role] ?? 'a check or an approval';
  whys.push(
    openQuestion(
      `Why can ${actorOf(f)} ${verb === 'deleted' ? 'delete' : verb === 'added' ? 'add' : 'change'} ${role} files like ${change.path} without ${safeguard}?`,
    ),
  );
  return whys;
}
