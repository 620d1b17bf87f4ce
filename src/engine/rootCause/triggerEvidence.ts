import { windowStart } from './input';
import type { RootCauseCategory, Trigger } from '../types';
import { configEdit } from './changeEvidence';
import type { Context } from './context';
import { errorTextEvidence } from './errorEvidence';
import type { Contribution } from './scoring';
import { ROLE_CATEGORY, SEVERITY_SCALE, W } from './weights';
import { listSome } from '../../model/format';

const BURST_SCALE = 1.5;

/** What one trigger says about the cause, by its kind, scaled by its severity. */
export function triggerEvidence(t: Trigger, ctx: Context): Contribution[] {
  const scale = SEVERITY_SCALE[t.severity];
  const ref = { kind: 'trigger' as const, ref: t.id };
  const role = ctx.input.roles(t.file);
  const silent = ctx.hardFailures.length === 0;
  switch (t.kind) {
    case 'log_error':
      // One error breaking out many times within a minute is stronger evidence than a single line of it.
      return errorTextEvidence(t, ctx, ref, t.burst ? scale * BURST_SCALE : scale);
    case 'constraint': {
      const out = errorTextEvidence(t, ctx, ref, scale);
      const category = ROLE_CATEGORY[role];
      if (category) {
        out.push({
          category,
          weight: W.constraintByRole * scale,
          group: 'constraint',
          item: { ...ref, file: t.file, line: t.line, description: `constraint broken in ${t.file}:${t.line}: ${t.message}` },
        });
      }
      return out;
    }
    case 'deletion': {
      const weight = W.deletion[role];
      const category = ROLE_CATEGORY[role];
      if (!weight || !category) return [];
      return [
        {
          category,
          weight: weight * scale,
          group: 'deletion',
          item: { ...ref, file: t.file, description: `${t.file} (${role}) was deleted ${windowStart(ctx.input)}` },
        },
      ];
    }
    case 'config_change': {
      // A config change whose keys could not be read still counts, described by the trigger itself.
      const edit = configEdit(t.file, ctx.input.configKeys.get(t.file) ?? []);
      return [
        {
          category: 'config_error',
          weight: (edit?.weight ?? W.configKeysChanged) * scale,
          group: edit?.group ?? 'config-keys',
          item: { ...ref, file: t.file, description: edit?.description ?? `${t.file} changed: ${t.message}` },
        },
      ];
    }
    case 'empty_output': {
      if (!silent) return [];
      const out: Contribution[] = [
        {
          category: 'drift',
          weight: W.emptyOutputSilent * scale,
          group: 'empty-output',
          item: { ...ref, file: t.file, description: `${t.file} is empty and no error explains it` },
        },
      ];
      const data = ctx.changedPaths.filter((p) => ctx.input.roles(p) === 'data');
      if (data.length > 0) {
        out.push({
          category: 'data_corruption',
          weight: W.emptyOutputWithDataChange * scale,
          group: 'empty-output-data',
          item: { ...ref, file: t.file, description: `${t.file} is empty while its input data changed (${listSome(data, 2)})` },
        });
      }
      // A filter or a switch in the job's config can leave it nothing to write just as well.
      const config = [...ctx.input.configKeys.keys()];
      if (config.length > 0) {
        out.push({
          category: 'config_error',
          weight: W.emptyOutputWithDataChange * scale,
          group: 'empty-output-config',
          item: { ...ref, file: t.file, description: `${t.file} is empty while its config changed (${listSome(config, 2)})` },
        });
      }
      return out;
    }
    case 'size_growth': {
      const weight = W.sizeGrowth[role] ?? W.sizeGrowth.other ?? 0;
      const category: RootCauseCategory = role === 'data' ? 'data_corruption' : 'drift';
      return [
        {
          category,
          weight: weight * scale * (category === 'drift' && !silent ? W.driftWithFailure : 1),
          group: 'growth',
          item: { ...ref, file: t.file, description: `${t.file} (${role}) grew sharply: ${t.message}` },
        },
      ];
    }
    case 'secret':
      return [];
  }
}
