import { startOf, windowStart } from './input';
import { PARSE_ERROR_KEY, type ConfigKeyChange } from './configKeys';
import type { Context } from './context';
import type { Contribution } from './scoring';
import { W } from './weights';
import { formatBytes, listSome, plural } from '../../model/format';

/** What a config file's key changes say on their own: it no longer parses, or which keys moved. */
export function configEdit(
  path: string,
  keys: readonly ConfigKeyChange[],
): (Pick<Contribution, 'weight' | 'group'> & { description: string }) | null {
  const parse = keys.find((k) => k.key === PARSE_ERROR_KEY);
  if (parse)
    return { weight: W.configParseError, group: 'config-parse', description: `${path} no longer parses (${parse.after ?? 'parse error'})` };
  // A release number bumped (a vendored dependency refreshed, a package released) configures nothing.
  const settings = keys.filter((k) => !/(^|\.)version$/i.test(k.key));
  if (settings.length === 0) return null;
  return {
    weight: W.configKeysChanged,
    group: 'config-keys',
    description: `${plural(settings.length, 'key')} changed in ${path}: ${listSome(settings.map((k) => k.key))}`,
  };
}

/** What the changes say on their own, for facts no trigger reported. */
export function changeEvidence(ctx: Context): Contribution[] {
  const out: Contribution[] = [];
  const triggered = new Set(ctx.input.triggers.filter((t) => t.kind === 'config_change' || t.kind === 'deletion').map((t) => t.file));
  for (const [path, keys] of ctx.input.configKeys) {
    const edit = configEdit(path, keys);
    if (!edit || triggered.has(path)) continue;
    out.push({
      category: 'config_error',
      weight: edit.weight,
      group: edit.group,
      item: { kind: 'change', ref: path, file: path, description: edit.description },
    });
  }
  for (const c of ctx.input.changes) {
    if (ctx.input.roles(c.path) !== 'data') continue;
    const before = c.before?.size ?? 0;
    const after = c.after?.size ?? 0;
    let description: string | null = null;
    let weight = 0;
    if (c.status === 'modified' && before > 0 && after < before * 0.5) {
      description = `${c.path} shrank from ${formatBytes(before)} to ${formatBytes(after)}, which looks truncated`;
      weight = W.dataTruncated;
    } else if (c.status === 'modified' && c.before && c.after && !c.before.binary && c.after.binary) {
      description = `${c.path} was text at ${startOf(ctx.input)} and is no longer valid text`;
      weight = W.dataNoLongerText;
    } else if (c.status === 'removed' && !triggered.has(c.path)) {
      description = `${c.path} (data) was deleted ${windowStart(ctx.input)}`;
      weight = W.deletion.data ?? 0;
    }
    if (description) {
      out.push({
        category: 'data_corruption',
        weight,
        group: 'data-change',
        item: { kind: 'change', ref: c.path, file: c.path, description },
      });
    }
  }
  return out;
}
