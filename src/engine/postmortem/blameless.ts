import type { Postmortem } from './types';

/** A sentence that puts a person next to a mistake, and how to say it as a process gap instead. */
export interface BlameFinding {
  sentence: string;
  /** The name or handle the sentence blames (`Alice`, `@bob`). */
  who: string;
  suggestion: string;
  /** The settable key the sentence lives in (`summary`, `why.2`, `action.A1`...), or what the caller passed. */
  field: string;
}

/*
 * The blameless rule (focus on systems, not individuals): "if you find yourself writing
 * someone's name next to a mistake, rewrite it as a process gap". A person here is an
 * @handle or a capitalised word that is not a sentence opener, a pronoun, a tool, a vendor or
 * an agent: "the deploy script broke" and "Claude deleted the file" are about systems, not
 * people. It is a heuristic that suggests; the person writing decides (kept sentences are
 * recorded and reports say so).
 */
const NOT_PEOPLE = new Set(
  (
    'the a an this that these those it its we they he she i you our their his her my your then when after before ' +
    'during because since while once if but and or so also later meanwhile finally first next eventually here there ' +
    'nobody somebody someone everyone everybody anyone anybody nothing something everything none no not who what ' +
    'which why how where monday tuesday wednesday thursday friday saturday sunday january february march april may ' +
    'june july august september october november december today yesterday tonight ' +
    'agent agents job jobs script scripts deploy deployment build builds test tests config configuration service ' +
    'services server servers database upstream downstream cron pipeline release migration update updates change ' +
    'changes rollout system systems network cache model tool tools bot bots worker workers scheduler runner process ' +
    'code commit patch fix bug error alert monitor monitoring check checks step task request response query api ' +
    'proxy load disk memory node python java go rust docker kubernetes postgres postgresql redis mysql nginx linux ' +
    'git github gitlab jenkins terraform ansible aws azure gcp cloudflare claude codex copilot aider cursor gemini ' +
    'devin gpt chatgpt openai anthropic llm slack npm pip yarn sentry datadog pagerduty grafana prometheus stripe vendor customer customers user users team teams ops ' +
    'review reviewer approval validation schema file files folder directory log logs output input data retry timeout ' +
    'version library dependency package module function class method endpoint port host cluster pod container image ' +
    'queue stream batch report nightly daily weekly production staging prod dev root cause impact summary action ' +
    'owner severity status incident outage failure decision plan observation thought rationale canary policy ' +
    'bundle registry eval evals dataset gate runbook sla ci cd qa sre infra platform backend frontend app application'
  ).split(' '),
);

/** Endings of common nouns rarely found in given names (`Migration`, `Deployment`, `Latency`). */
const NOUN_ENDING = /(?:tion|sion|ment|ness|ity|ance|ence|ism|ics)$/i;

const NAME = String.raw`[A-Z][a-z]+(?:[-'\u2019][A-Z]?[a-z]+)?`;
// The lookbehind keeps a match from starting inside a word (`McAlice`) or a handle.
const WHO = String.raw`(?<![\w@.'\u2019-])(@[\w][\w.-]*|${NAME}(?:\s+${NAME})?)`;
const ADVERB = String.raw`(?:(?:accidentally|mistakenly|carelessly|wrongly|just|also|then|apparently|again)\s+)?`;

interface BlamePattern {
  re: RegExp;
  /** What the rewrite should name instead of the person. */
  gap: string;
}

const PATTERNS: readonly BlamePattern[] = [
  {
    re: new RegExp(
      String.raw`${WHO}\s+${ADVERB}(?:broke|has broken|caused|introduced|misconfigured|messed up|screwed up|botched|bungled|corrupted|wiped|clobbered|took down|brought down|made (?:a|an) (?:mistake|error|typo))\b`,
      'g',
    ),
    gap: 'the change reached the system without a check, review or test that would have caught it',
  },
  {
    re: new RegExp(
      String.raw`${WHO}\s+${ADVERB}(?:forgot|missed|overlooked|ignored|neglected|skipped|failed to|didn't|did not|never|should have|shouldn't have|should not have|was supposed to)\b`,
      'g',
    ),
    gap: 'nothing in the process made that step happen: no checklist item, automation or gate required it',
  },
  {
    re: new RegExp(String.raw`\b(?:caused|introduced|broken|triggered|corrupted|wiped|misconfigured)\s+by\s+${WHO}`, 'g'),
    gap: 'name the change and the missing safeguard that let it through, not its author',
  },
  {
    re: new RegExp(String.raw`${WHO}[\u2019']s\s+(?:fault|mistake|error|blunder|screw-?up|bad|negligence|carelessness|typo)`, 'g'),
    gap: 'say which safeguard was missing; the fault lies in the process that allowed it',
  },
  {
    re: new RegExp(String.raw`\b(?:blame[sd]?(?:\s+(?:it\s+)?on)?|because of|thanks to|fault of)\s+${WHO}`, 'g'),
    gap: 'say which safeguard was missing; the fault lies in the process that allowed it',
  },
  {
    re: new RegExp(
      String.raw`${WHO}\s+(?:is|was|are|were)\s+(?:to blame|at fault|responsible for (?:the|this) (?:outage|incident|failure|breakage|mistake))`,
      'g',
    ),
    gap: 'say which safeguard was missing; the fault lies in the process that allowed it',
  },
  {
    re: new RegExp(
      String.raw`${WHO}\s+(?:accidentally|mistakenly|carelessly|wrongly)\s+\w+|${WHO}\s+(?:deleted|pushed|merged|deployed|changed|edited|ran|removed|dropped|committed|shipped|applied|updated)\b[^.!?]{0,80}?\b(?:by mistake|by accident|without (?:testing|checking|review|reviewing|approval|asking|telling anyone))`,
      'g',
    ),
    gap: 'the step could be taken without a test, review or approval that would have caught it',
  },
];

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=\S)|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The person a matched name refers to, or null when the words are openers, tools or common nouns. */
function personIn(raw: string): string | null {
  if (raw.startsWith('@')) return raw.replace(/[.-]+$/, '');
  const words = raw.split(/\s+/);
  // "Then Alice broke", "Yesterday Bob forgot": the opener is not part of the name.
  while (words.length > 0 && isNotPerson(words[0] ?? '')) words.shift();
  if (words.length === 0 || words.some(isNotPerson)) return null;
  return words.join(' ');
}

function isNotPerson(word: string): boolean {
  const bare = word.replace(/[\u2019']s$/, '');
  return NOT_PEOPLE.has(bare.toLowerCase()) || NOUN_ENDING.test(bare);
}

/** Sentences of `text` that name a person next to a mistake, each with a process-gap rewrite. */
export function findBlame(text: string, field = 'text'): BlameFinding[] {
  const out: BlameFinding[] = [];
  for (const sentence of sentencesOf(text)) {
    for (const { re, gap } of PATTERNS) {
      re.lastIndex = 0;
      let who: string | null = null;
      for (const m of sentence.matchAll(re)) {
        const raw = m.slice(1).find((g) => g !== undefined);
        who = raw === undefined ? null : personIn(raw);
        if (who !== null) break;
      }
      if (who === null) continue;
      out.push({
        sentence,
        who,
        field,
        suggestion: `Rewrite without naming ${who}, as a process gap: ${gap}.`,
      });
      break;
    }
  }
  return out;
}

/** Every free-text field of a postmortem, keyed as `setField` names it. Owners are names by design and not checked. */
function textsOf(pm: Postmortem): [field: string, text: string][] {
  const out: [string, string][] = [
    ['summary', pm.summary.text.value],
    ['root_cause.immediate', pm.rootCause.immediateCause.value],
  ];
  if (pm.summary.impact.users.value) out.push(['impact.users', pm.summary.impact.users.value]);
  for (const line of pm.whatHappened.value) out.push(['what_happened', line]);
  for (const c of pm.containment.value) out.push([`containment.${c.kind}`, c.action]);
  for (const line of pm.rootCause.contributing.value) out.push(['root_cause.contributing', line]);
  pm.rootCause.fiveWhys.forEach((w, i) => out.push([`why.${i + 1}`, `${w.question}\n${w.answer}`]));
  for (const [key, f] of Object.entries(pm.factors)) if (f.notes) out.push([`factors.${key}`, f.notes]);
  for (const line of pm.controlGaps.value) out.push(['control_gaps', line]);
  for (const line of pm.wentWell.value) out.push(['what_went_well', line]);
  for (const a of pm.actions) out.push([`action.${a.id}`, a.action]);
  for (const [key, v] of Object.entries(pm.lifecycleUpdates.value)) out.push([`lifecycle.${key}`, v]);
  for (const [key, v] of Object.entries(pm.evalsAndRollout?.value ?? {})) out.push([`evals.${key}`, v]);
  return out;
}

/** Blame findings across the whole postmortem, including sentences a person chose to keep. */
export function blamelessCheck(pm: Postmortem): BlameFinding[] {
  return textsOf(pm).flatMap(([field, text]) => findBlame(text, field));
}
