import path from 'node:path';
import type { FileChange, MetricTrend, RootCause, RootCauseCategory, Trigger } from '../types';
import { PARSE_ERROR_KEY, type ConfigKeyChange } from './configKeys';
import { keysReadAt } from './context';
import { describeSlowdown, jobSlowdown } from './runHistory';
import { endpointsIn, errorSignals, httpStatusIn, parsePositionIn, unresolvedHostsIn } from './errorSignals';
import { CATEGORY_LABEL } from '../../model/incident';
import { formatBytes, formatModeChange, shellQuote, upperFirst } from '../../model/format';
import {
  displayValue,
  errorMessage,
  errorTriggers,
  indexChanges,
  innermostWorkspaceFrame,
  isSecretKey,
  mentionsPath,
  namedConfigKeys,
  namedConfigLines,
  namedDataLines,
  quantity,
  describeTrend,
  sizeTrends,
  triggerText,
  type ClassifyInput,
  restoreFrom,
  startOf,
  windowStart,
} from './index';

/** What the steps of one category are written from. */
interface Facts {
  input: ClassifyInput;
  rootCause: RootCause;
  changeByPath: Map<string, FileChange>;
  triggerById: Map<string, Trigger>;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function listSome(items: readonly string[], max = 3): string {
  const shown = items
    .slice(0, max)
    .map((p) => `\`${p}\``)
    .join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/** Triggers the evidence of `category` cites; the error-level failures when it cites none. */
function citedTriggers(f: Facts, category: RootCauseCategory): Trigger[] {
  const cited = f.rootCause.evidence
    .filter((e) => e.category === category && e.kind === 'trigger')
    .map((e) => f.triggerById.get(e.ref))
    .filter((t): t is Trigger => t !== undefined);
  return unique(cited.length ? cited : errorTriggers(f.input.triggers));
}

/** Files the evidence of `category` cites, the triggering change first, filtered by role. */
function citedFiles(f: Facts, category: RootCauseCategory, roles: readonly string[]): string[] {
  const tc = f.rootCause.triggeringChange;
  const fromEvidence = f.rootCause.evidence.filter((e) => e.category === category && e.file).map((e) => e.file as string);
  return unique([...(tc ? [tc.path] : []), ...fromEvidence]).filter((p) => roles.includes(f.input.roles(p)));
}

function where(t: Trigger | undefined): string {
  const frame = t ? innermostWorkspaceFrame(t) : null;
  return frame ? ` in ${frame.file}:${frame.line}${frame.function ? ` (${frame.function})` : ''}` : '';
}

function signalsOf(triggers: readonly Trigger[]): Set<string> {
  return new Set(triggers.flatMap((t) => errorSignals(triggerText(t), t.errorType).map((s) => s.signal)));
}

// ---------------------------------------------------------------- config_error

/** `inUse`: the job failed to bind an address another process holds (EADDRINUSE). */
function keyStep(file: string, k: ConfigKeyChange, since: string, inUse: boolean): string {
  if (isSecretKey(k.key)) {
    return k.change === 'removed'
      ? `Add the secret \`${k.key}\` back to ${file} (value not shown) or make the code that reads it cope without it`
      : `Check the secret \`${k.key}\` in ${file} (${k.change} ${since}, values not shown): restore the previous value or update it where it is checked`;
  }
  const before = displayValue(k.key, k.before);
  const after = displayValue(k.key, k.after);
  switch (k.change) {
    case 'changed': {
      const leaf = k.key.split('.').pop() ?? k.key;
      // A port the job binds and another process holds wants freeing; one it connects to, a listener.
      const alternative = /port/i.test(leaf)
        ? inUse
          ? `or free port ${after}: another process holds it (\`lsof -i :${after.replace(/^"|"$/g, '')}\`)`
          : `or start the service on ${after}`
        : /host|url|uri|endpoint|dsn|addr/i.test(leaf)
          ? `or make ${after} reachable from where the job runs`
          : `or update what reads it to work with ${after}`;
      return `Restore \`${k.key}\` in ${file} to ${before} (now ${after}) ${alternative}`;
    }
    case 'removed':
      return `Add \`${k.key}\` back to ${file} (it was ${before}) or make the code that reads it cope without it`;
    case 'added':
      return `Check the new key \`${k.key}\` = ${after} in ${file}; remove it if it was not meant to change behaviour`;
  }
}

/**
 * A file the job reads was moved (the same content under a new path): moving it back, or pointing
 * the job at its new place, is the fix, not regenerating or validating its content.
 */
function movedStep(c: FileChange, input: ClassifyInput): string {
  const from = c.oldPath ?? '?';
  return `Move \`${c.path}\` back to \`${from}\` (moved ${windowStart(input)}, its content unchanged): \`mv ${shellQuote(c.path)} ${shellQuote(from)}\`, or update the path the job reads`;
}

/** Adds the step of a moved file once (errors name it by its old path, evidence by its new one); true for a moved file. */
function stepForMove(change: FileChange | undefined, done: Set<FileChange>, input: ClassifyInput, out: string[]): boolean {
  if (change?.status !== 'renamed') return false;
  if (!done.has(change)) out.push(movedStep(change, input));
  done.add(change);
  return true;
}

/** A value too common to tell that a removed key and an added one are the same setting. */
const COMMON_VALUE = /^(true|false|null|none|yes|no|on|off|-?\d)$/i;

/**
 * Keys of one file removed and added with the same value under the same parent: renamed
 * (`DB_ADDR` → `DATABASE_ADDR`), which reads as one change, not a removal and an addition.
 * Removed key → the key it became.
 */
function renamedKeys(keys: readonly ConfigKeyChange[]): Map<ConfigKeyChange, ConfigKeyChange> {
  const parent = (key: string): string => key.slice(0, Math.max(0, key.lastIndexOf('.')));
  const out = new Map<ConfigKeyChange, ConfigKeyChange>();
  const taken = new Set<ConfigKeyChange>();
  for (const r of keys) {
    if (r.change !== 'removed' || r.before === undefined || isSecretKey(r.key) || COMMON_VALUE.test(r.before.trim())) continue;
    const a = keys.find(
      (k) => k.change === 'added' && !taken.has(k) && k.after === r.before && !isSecretKey(k.key) && parent(k.key) === parent(r.key),
    );
    if (a) {
      out.set(r, a);
      taken.add(a);
    }
  }
  return out;
}

function configSteps(f: Facts): string[] {
  const { input } = f;
  const out: string[] = [];
  const triggers = citedTriggers(f, 'config_error');
  const errorText = [...triggers, ...errorTriggers(input.triggers)].map(triggerText).join('\n');
  const signals = signalsOf(triggers);
  const inUse = signals.has('port_in_use');
  const cited = f.rootCause.evidence
    .filter((e) => e.category === 'config_error')
    .map((e) => e.description)
    .join('\n');
  const named = new Set(
    [...namedConfigKeys(errorText, input.configKeys), ...triggers.flatMap((t) => keysReadAt(t, input))].map(
      (h) => `${h.path}\0${h.change.key}`,
    ),
  );
  const lineFiles = new Set(namedConfigLines(errorText, input).map((h) => h.path));
  const files = unique([
    ...citedFiles(f, 'config_error', ['config']).filter((p) => !lineFiles.has(p)),
    ...[...input.configKeys].filter(([, ks]) => ks.length > 0).map(([p]) => p),
  ]);
  const moved = new Set<FileChange>();
  for (const file of files.slice(0, 3)) {
    const change = f.changeByPath.get(file);
    if (stepForMove(change, moved, input, out)) continue;
    if (change?.status === 'removed') {
      out.push(`Restore \`${file}\` ${restoreFrom(input, file)}: it was deleted and the job still expects it`);
      continue;
    }
    const keys = input.configKeys.get(file) ?? [];
    const parse = keys.find((k) => k.key === PARSE_ERROR_KEY);
    if (parse) {
      out.push(
        `Fix the syntax of \`${file}\`: it no longer parses (${parse.after ?? 'parse error'}); the version at ${startOf(input)} did, so diff the two`,
      );
      continue;
    }
    const rank = (k: ConfigKeyChange): number =>
      named.has(`${file}\0${k.key}`) ? 0 : cited.includes(`\`${k.key}\``) ? 1 : k.change === 'changed' ? 2 : 3;
    const renamed = renamedKeys(keys);
    const targets = new Set(renamed.values());
    const ordered = keys.filter((k) => !targets.has(k)).sort((a, b) => rank(a) - rank(b));
    for (const k of ordered.slice(0, 4)) {
      const to = renamed.get(k);
      out.push(
        to
          ? `Rename \`${to.key}\` back to \`${k.key}\` in ${file} (renamed ${windowStart(f.input)}, same value ${displayValue(k.key, k.before)}), or update what still reads \`${k.key}\``
          : keyStep(file, k, windowStart(f.input), inUse),
      );
    }
    if (ordered.length > 4) {
      out.push(
        `Review the ${ordered.length - 4} other keys changed in ${file}: ${ordered
          .slice(4, 8)
          .map((k) => `\`${k.key}\``)
          .join(', ')}`,
      );
    }
  }
  for (const hit of namedConfigLines(errorText, input).slice(0, 2)) {
    out.push(
      `Check the change to \`${hit.path}\` around "${hit.line.slice(0, 60)}": the error names ${hit.token}; restore the line from ${startOf(f.input)} if the change was not intended`,
    );
  }
  const text = triggers.map(triggerText).join('\n');
  const envVar =
    /KeyError: '([A-Z][A-Z0-9_]{2,})'|environment variable [`'"]?([A-Z][A-Z0-9_]{2,})|([A-Z][A-Z0-9_]{2,})[`'"]? (?:is )?not set/.exec(
      text,
    );
  const varName = envVar?.[1] ?? envVar?.[2] ?? envVar?.[3];
  if (varName)
    out.push(`Set the environment variable ${varName} where the job runs (the error says it is missing), or give it a safe default`);
  const module = /No module named '([^']+)'|Cannot find (?:module|package) '([^'.][^']*)'/.exec(text);
  const moduleName = module?.[1] ?? module?.[2];
  if (moduleName) out.push(`Install \`${moduleName}\` in the job's environment and pin it in the dependency manifest`);
  const denied = /(?:Permission denied|EACCES[^'"]*)[:,]? ['"]?([\w./-]+\/[\w.-]+)/.exec(text);
  const chmodded = denied?.[1]
    ? [...f.changeByPath.values()].find((c) => c.status === 'mode_changed' && mentionsPath(denied[1] ?? '', c.path))
    : undefined;
  if (chmodded?.before)
    out.push(
      `Restore the permissions of \`${chmodded.path}\` (${formatModeChange(chmodded.before.mode, chmodded.after?.mode ?? 0)} ${windowStart(f.input)}): \`chmod ${chmodded.before.mode.toString(8)} ${chmodded.path}\`, or find what changed them`,
    );
  else if (denied?.[1]) out.push(deniedStep(denied[1], f));
  if (signals.has('auth')) {
    const ep = endpointsIn(text)[0];
    out.push(`Check the credentials the job uses${ep ? ` for ${ep}` : ''}: they were rejected; rotate or re-issue them if they expired`);
  }
  if (inUse && !out.some((step) => step.includes('another process holds it')))
    out.push('Another process already holds the port the job binds: stop it or give the job a free port');
  if (files[0])
    out.push(`Validate \`${files[0]}\` when the job starts (required keys, types, ranges) so a bad value fails fast and names the key`);
  return out;
}

/**
 * A permission error on a path whose own mode no snapshot saw change: snapshots record files, not
 * folders, so the folder may be what changed (`chmod 555 out` refuses new files in it). A file
 * that is gone now could only have been created there.
 */
function deniedStep(named: string, f: Facts): string {
  const gone = [...f.changeByPath.values()].find((c) => c.status === 'removed' && mentionsPath(named, c.path));
  const file = gone?.path ?? named;
  const dir = path.posix.dirname(file);
  if (gone)
    return `Make the folder \`${dir}\` writable for the user the job runs as: \`${file}\` is gone and the job could not create it there (\`ls -ld ${shellQuote(dir)}\`)`;
  return `Fix the permissions of \`${file}\`, or of its folder \`${dir}\`, for the user the job runs as (\`ls -ld ${shellQuote(dir)} ${shellQuote(file)}\`)`;
}

// ---------------------------------------------------------------- data_corruption

function dataSteps(f: Facts): string[] {
  const { input } = f;
  const out: string[] = [];
  const triggers = citedTriggers(f, 'data_corruption');
  const shrunk = input.changes
    .filter(
      (c) =>
        input.roles(c.path) === 'data' &&
        (c.status === 'removed' || (c.status === 'modified' && (c.after?.size ?? 0) < (c.before?.size ?? 0) * 0.5)),
    )
    .map((c) => c.path);
  const files = unique([...citedFiles(f, 'data_corruption', ['data', 'output']), ...shrunk]);
  const moved = new Set<FileChange>();
  for (const file of files.slice(0, 3)) {
    const change = f.changeByPath.get(file);
    if (stepForMove(change, moved, input, out)) continue;
    const trig = triggers.find((t) => mentionsPath(triggerText(t), file)) ?? (files.length === 1 ? triggers[0] : undefined);
    if (change?.status === 'removed') {
      out.push(
        `Restore \`${file}\` ${restoreFrom(input, file)} or re-create it from its source: it was deleted and the job still reads it`,
      );
      continue;
    }
    const signals = trig ? new Set(errorSignals(triggerText(trig), trig.errorType).map((s) => s.signal)) : new Set<string>();
    const details: string[] = [];
    const pos = trig ? parsePositionIn(triggerText(trig)) : null;
    const parses = ['json_parse', 'csv_parse', 'yaml_parse', 'structured_parse', 'truncated', 'value_conversion'].some((s) =>
      signals.has(s),
    );
    if (parses) details.push(pos ? `it no longer parses at ${pos}` : 'it no longer parses');
    const before = change?.before?.size ?? 0;
    const after = change?.after?.size ?? 0;
    const truncated = change?.status === 'modified' && after < before * 0.5;
    if (truncated) details.push(`it shrank from ${formatBytes(before)} to ${formatBytes(after)} ${windowStart(input)}`);
    if (change?.before && change.after && !change.before.binary && change.after.binary) details.push('it is no longer valid text');
    if (signals.has('checksum')) details.push('its checksum no longer matches');
    for (const hit of triggers
      .flatMap((t) => namedDataLines(triggerText(t), input))
      .filter((h) => h.path === file)
      .slice(0, 1)) {
      details.push(`the job asks for '${hit.token}', which changed on the line "${hit.line.slice(0, 60)}"`);
    }
    out.push(
      `Re-generate \`${file}\` from its source, or restore it ${restoreFrom(input, file)}${details.length ? `; ${details.join('; ')}` : ''}`,
    );
    if (signals.has('encoding')) out.push(`Re-encode \`${file}\` as UTF-8, or read it with the encoding it was written in`);
    if (truncated || signals.has('truncated')) {
      out.push(`Make whatever writes \`${file}\` write a temporary file and rename it, so an interrupted run cannot leave it half-written`);
    }
    const frame = trig ? innermostWorkspaceFrame(trig) : null;
    if (frame)
      out.push(
        `Validate \`${file}\` where ${frame.file}:${frame.line} reads it, and stop with a message naming the file and the bad position`,
      );
  }
  const empty = input.triggers.filter((t) => t.kind === 'empty_output').map((t) => t.file);
  if (empty.length) out.push(`Trace why ${listSome(empty)} ended up empty back to the input that changed`);
  return out;
}

// ---------------------------------------------------------------- external_failure

function externalSteps(f: Facts): string[] {
  const triggers = citedTriggers(f, 'external_failure');
  const text = triggers.map(triggerText).join('\n');
  const signals = signalsOf(triggers);
  const endpoints = endpointsIn(text);
  const target = endpoints.length ? endpoints.join(', ') : 'the upstream service';
  const out: string[] = [];
  if (signals.has('conn_refused') || signals.has('upstream_unavailable') || signals.has('unreachable')) {
    out.push(
      `Check that ${target} is running and reachable from where the job runs; start it before the job with a health check, and retry the connection with backoff`,
    );
  }
  if (signals.has('dns_failure')) {
    const hosts = unresolvedHostsIn(text);
    out.push(
      `Check that ${hosts.length ? hosts.join(', ') : target} resolves from where the job runs (DNS, /etc/hosts, VPN or proxy settings)`,
    );
  }
  if (signals.has('http_5xx')) {
    out.push(
      `${target} answered ${httpStatusIn(text) ?? 'with a 5xx status'}: retry idempotent calls with exponential backoff and jitter, and alert when it persists`,
    );
  }
  if (signals.has('rate_limited'))
    out.push(`${target} throttled the job (429): honour Retry-After, cap concurrency and spread the calls out`);
  if (signals.has('timeout')) {
    out.push(
      `Calls to ${target} timed out: set an explicit timeout, retry idempotent calls with backoff, and check the upstream's latency during the window`,
    );
  }
  if (signals.has('conn_reset')) {
    out.push(
      `${target} dropped the connection mid-request: retry idempotent requests and look for a proxy or load balancer closing idle connections`,
    );
  }
  if (signals.has('tls_failure'))
    out.push(`Check the TLS certificate of ${target} (expiry, chain, host name) and the CA bundle the runtime uses`);
  const first = triggers[0];
  const frame = first ? innermostWorkspaceFrame(first) : null;
  if (frame)
    out.push(
      `The failing call is made at ${frame.file}:${frame.line}: give it a timeout, bounded retries and an error message that names the endpoint`,
    );
  const repeats = Math.max(0, ...[...countBy(errorTriggers(f.input.triggers), (t) => t.message).values()]);
  if (repeats >= 3)
    out.push(
      `The error repeated ${repeats} times: the retries in place did not recover, so fail fast once the upstream is known to be down`,
    );
  return out;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

// ---------------------------------------------------------------- resource_exhaustion

function resourceSteps(f: Facts): string[] {
  const { input } = f;
  const triggers = citedTriggers(f, 'resource_exhaustion');
  const signals = signalsOf(triggers);
  const first = triggers[0];
  const at = where(first);
  const grown = input.changes
    .filter(
      (c) => c.status === 'modified' && (c.after?.size ?? 0) >= 2 * Math.max(c.before?.size ?? 0, 1) && (c.after?.size ?? 0) >= 64 * 1024,
    )
    .sort((a, b) => (b.after?.size ?? 0) - (b.before?.size ?? 0) - ((a.after?.size ?? 0) - (a.before?.size ?? 0)));
  const biggest = grown[0];
  const out: string[] = [];
  if (signals.has('heap_oom')) {
    out.push(
      `Node ran out of heap${at}: process the input in chunks or streams instead of loading it whole; raise --max-old-space-size only as a stopgap`,
    );
  }
  if (signals.has('out_of_memory') || signals.has('killed')) {
    const killed = signals.has('killed') ? ' and was killed (SIGKILL / exit 137 is what the OOM killer leaves)' : '';
    out.push(
      `The process ran out of memory${at}${killed}: lower the batch or input size${biggest ? ` (\`${biggest.path}\` is the largest growth)` : ''}, or raise the memory limit of the container or runner`,
    );
  }
  if (signals.has('file_descriptors'))
    out.push(`Close files and sockets after use${at} (with / try-finally), or raise the limit with ulimit -n`);
  if (signals.has('disk_full')) {
    const growth = grown.slice(0, 2).map((c) => `\`${c.path}\` +${formatBytes((c.after?.size ?? 0) - (c.before?.size ?? 0))}`);
    out.push(
      `Free space on the volume the job writes to${growth.length ? ` (largest growth in the window: ${growth.join(', ')})` : ''}; rotate or cap logs and clean temporary files`,
    );
  }
  if (signals.has('context_limit')) {
    out.push(
      `Shorten what is sent to the model${at}: split ${biggest ? `\`${biggest.path}\`` : 'the input'} into chunks or summarise it first`,
    );
  }
  if (signals.has('quota_exhausted'))
    out.push("Raise the account's quota or billing limit, or cut the number of calls: retries will not help until the quota resets");
  if (signals.has('threads') || signals.has('process_limit'))
    out.push(`Cap the number of threads, processes or the file size the job creates${at}`);
  if (signals.has('recursion_depth'))
    out.push(`Bound the recursion${at} or rewrite it as a loop; raising the stack limit only moves the crash`);
  if (signals.has('time_budget')) {
    // More work in the same time: an input that grew is the usual reason, whatever its size.
    const slower = input.changes
      .filter(
        (c) => c.status === 'modified' && (c.after?.size ?? 0) >= 1.5 * Math.max(c.before?.size ?? 0, 1) && input.roles(c.path) === 'data',
      )
      .sort((a, b) => (b.after?.size ?? 0) / Math.max(b.before?.size ?? 0, 1) - (a.after?.size ?? 0) / Math.max(a.before?.size ?? 0, 1))[0];
    const grew = slower
      ? ` after \`${slower.path}\` grew from ${formatBytes(slower.before?.size ?? 0)} to ${formatBytes(slower.after?.size ?? 0)} ${windowStart(input)}`
      : '';
    const slowing = jobSlowdown(input);
    const history = slowing && input.knownGood ? `; ${describeSlowdown(input.knownGood.job, slowing)}` : '';
    out.push(
      `The job ran past its time limit${at}${grew}${history}: process less per run or in batches, make the slow step faster, or raise the limit if the work legitimately grew`,
    );
  }
  for (const c of grown.slice(0, 2)) {
    out.push(
      `\`${c.path}\` grew from ${formatBytes(c.before?.size ?? 0)} to ${formatBytes(c.after?.size ?? 0)} in the window: check whether that growth is expected before raising limits`,
    );
  }
  for (const [file, keys] of input.configKeys) {
    for (const k of keys) {
      const b = quantity(k.before) ?? 0;
      const a = quantity(k.after) ?? 0;
      if (k.change === 'changed' && b > 0 && a > 0 && Math.max(a / b, b / a) >= 4) {
        out.push(
          `Restore \`${k.key}\` in ${file} to ${k.before} (now ${k.after}): a sizing value that moved this much is a likely reason the job ran out`,
        );
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- logic_error

const GUARDS: Record<string, string> = {
  zero_division: 'a zero divisor',
  index_error: 'empty or short sequences',
  null_reference: 'missing (null / nil) values',
  attribute_error: 'missing or undefined values',
  panic: 'the None / Err case instead of unwrapping',
};

function logicSteps(f: Facts): string[] {
  const { input } = f;
  const out: string[] = [];
  const triggers = citedTriggers(f, 'logic_error');
  const first = triggers[0];
  const files = citedFiles(f, 'logic_error', ['code']);
  const moved = new Set<FileChange>();
  for (const file of files.slice(0, 3)) {
    const change = f.changeByPath.get(file);
    if (stepForMove(change, moved, input, out)) continue;
    const ev = f.rootCause.evidence.find((e) => e.category === 'logic_error' && e.file === file && e.line !== undefined);
    const trig = ev ? f.triggerById.get(ev.ref) : undefined;
    const label = trig?.errorType ?? 'the error';
    const size = change ? ` (+${change.additions} −${change.deletions} lines)` : '';
    if (change?.status === 'added') {
      out.push(`Review the new file \`${file}\`${ev?.line ? ` around line ${ev.line}` : ''}${trig ? `, where ${label} was raised` : ''}`);
    } else if (change?.status === 'removed') {
      out.push(
        `Restore \`${file}\` ${restoreFrom(input, file)}, or update what still uses it: it was deleted${trig ? ` and ${label} followed` : ''}`,
      );
    } else if (change) {
      out.push(
        `Review the change to \`${file}\`${size}${ev?.line ? ` around line ${ev.line}` : ''}${trig ? `, where ${label} was raised` : ''}; revert it to the version at ${startOf(input)} if it was not intended`,
      );
    }
  }
  if (files.length === 0) {
    const code = input.changes.filter((c) => c.status !== 'removed' && input.roles(c.path) === 'code').map((c) => c.path);
    if (code.length) out.push(`Review the source changes ${windowStart(input)}: ${listSome(code)}`);
  }
  if (first) {
    const frame = innermostWorkspaceFrame(first);
    // Without a stack frame, a log error's place is the log line, which is no place to guard.
    const at = frame ? ` at ${frame.file}:${frame.line}` : first.kind === 'log_error' ? '' : ` at ${first.file}:${first.line}`;
    const signals = errorSignals(triggerText(first), first.errorType);
    if (signals.some((s) => s.signal === 'assertion')) {
      out.push(`The assertion${at} failed: decide whether the code or the expectation changed, and fix that one`);
    }
    for (const s of signals) {
      const guard = GUARDS[s.signal];
      if (guard) {
        out.push(`Guard the operation${at || ' that failed'} against ${guard}`);
        break;
      }
    }
    if (signals.some((s) => s.signal === 'type_error'))
      out.push(
        at
          ? `Check the types of the values reaching${at.replace(/^ at/, '')}: one of them is not what the code there expects`
          : 'Check the types of the values reaching the failing code: one of them is not what it expects',
      );
    if (signals.some((s) => s.signal === 'recursion_depth'))
      out.push(`Check the base case of the recursion${at}, and whether its input can contain a cycle`);
    // A failing test already is the reproduction.
    if (!signals.some((s) => s.signal === 'test_failed'))
      out.push(
        `Add a regression test that reproduces ${first.errorType ?? 'the failure'} (${errorMessage(first).slice(0, 80)}) with the inputs of the failing run`,
      );
  }
  return out;
}

// ---------------------------------------------------------------- drift

function driftSteps(f: Facts): string[] {
  const { input } = f;
  const out: string[] = [];
  for (const t of (input.metricTrends ?? []).filter((m) => m.verdict !== 'better').slice(0, 2)) {
    out.push(metricStep(t, input));
  }
  const rank = { output: 0, data: 1, log: 2 } as Record<string, number>;
  const all = sizeTrends(input.steps, input.roles).filter((t) => t.role in rank);
  // Logs grow by nature: their trend is worth a step only when nothing else moved.
  const trends = (all.some((t) => t.role !== 'log') ? all.filter((t) => t.role !== 'log') : all).sort(
    (a, b) => (rank[a.role] ?? 3) - (rank[b.role] ?? 3),
  );
  for (const t of trends.slice(0, 3)) {
    const first = t.sizes[0] ?? 0;
    const last = t.sizes[t.sizes.length - 1] ?? 0;
    out.push(
      `Compare \`${t.path}\` across the window: it kept ${t.direction} from ${formatBytes(first)} to ${formatBytes(last)} over ${t.sizes.length - 1} snapshots; find the snapshot where the trend began and review what changed there`,
    );
  }
  const warnings = input.triggers.filter((t) => t.kind === 'log_error' && t.severity === 'warning');
  if (warnings.length) {
    const files = unique(warnings.map((w) => w.file));
    out.push(
      `Review the ${warnings.length} warning${warnings.length === 1 ? '' : 's'} in ${listSome(files)}; the first (${warnings[0]?.message.slice(0, 80) ?? ''}) is the earliest sign of the degradation`,
    );
  }
  const shrinkingOutput = trends.find((t) => t.role === 'output' && t.direction === 'shrinking');
  if (shrinkingOutput) {
    out.push(
      `Make the job fail when \`${shrinkingOutput.path}\` drops below an expected size or row count, so degradation surfaces as an error instead of passing silently`,
    );
  }
  const touched = unique(
    input.steps.flatMap((s) => s.changes.map((c) => c.path)).filter((p) => input.roles(p) !== 'log' && input.roles(p) !== 'output'),
  );
  const active = input.steps.filter((s) => s.changes.length > 0).length;
  if (touched.length && active >= 2) out.push(`Review the changes made over ${active} snapshots in order: ${listSome(touched)}`);
  for (const t of input.triggers.filter((x) => x.kind === 'empty_output')) {
    out.push(`Find out why \`${t.file}\` is empty: trace its inputs back through the window`);
  }
  return out;
}

/** Where a metric first moved and what changed there, and a guard so the next slide fails loudly. */
function metricStep(t: MetricTrend, input: ClassifyInput): string {
  const what = describeTrend(t);
  const guard = `add a check that fails the run when \`${t.key}\` ${t.direction === 'down' ? 'drops below' : 'rises above'} an agreed threshold`;
  if (t.source === 'log')
    return `${what}: ${guard}, and compare the runs logged before line ${t.line ?? '?'} to find where the slide began`;
  const firstMove = t.values.findIndex((v, i) => i > 0 && v !== t.values[i - 1]);
  const snapshot = t.at?.[firstMove];
  const step = input.steps.find((s) => s.to === snapshot);
  const changed = unique(
    (step?.changes ?? []).map((c) => c.path).filter((p) => p !== t.file && input.roles(p) !== 'log' && input.roles(p) !== 'output'),
  );
  const where = snapshot
    ? ` It first moved in snapshot ${snapshot}${changed.length ? `, where ${listSome(changed)} changed: review that change first` : ''}.`
    : '';
  return `${what}.${where} Then ${guard}`;
}

const STEPS: Record<RootCauseCategory, (f: Facts) => string[]> = {
  config_error: configSteps,
  data_corruption: dataSteps,
  drift: driftSteps,
  external_failure: externalSteps,
  logic_error: logicSteps,
  resource_exhaustion: resourceSteps,
};

/**
 * Remediation for a classified incident: steps written from the files, keys, endpoints and frames
 * of this incident, then one step for a close runner-up category, then the category's configured
 * generic steps.
 */
export function remediationFor(rootCause: RootCause, input: ClassifyInput): string[] {
  // A moved file is found under its old path too: errors name the path the job still reads.
  const { changeByPath } = indexChanges(input.changes);
  const facts: Facts = {
    input,
    rootCause,
    changeByPath,
    triggerById: new Map(input.triggers.map((t) => [t.id, t])),
  };
  const specific = STEPS[rootCause.category](facts);
  const tc = rootCause.triggeringChange;
  // Only when the evidence for this category cites it: a config edit next to an outage is not its cause.
  const cited = tc && rootCause.evidence.some((e) => e.category === rootCause.category && (e.file === tc.path || e.ref === tc.path));
  if (tc && cited && !specific.some((s) => s.includes(tc.path))) {
    specific.unshift(`Start with \`${tc.path}\` (${tc.status}, ${tc.role}): ${tc.reason}`);
  }
  const alt = rootCause.alternatives[0];
  if (alt && alt.confidence > 0 && alt.confidence >= rootCause.confidence * 0.6) {
    const step = STEPS[alt.category]({ ...facts }).find((s) => !specific.includes(s));
    if (step) {
      specific.push(
        `If that does not fix it (${CATEGORY_LABEL[alt.category].toLowerCase()} is also plausible, ${Math.round(alt.confidence * 100)}%): ${step}`,
      );
    }
  }
  // Steps are sentences, some begun by a filled-in name ("the upstream service answered 503").
  return unique([...specific.map(upperFirst), ...input.categoryText[rootCause.category].remediation]);
}
