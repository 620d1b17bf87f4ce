import { ROOT_CAUSE_CATEGORIES, type EvidenceItem, type RootCauseCategory } from '../types';
import { W } from './weights';
import { listSome } from '../../model/format';

/** One fact for one category, before repeats and related facts are weighed against each other. */
export interface Contribution {
  category: RootCauseCategory;
  weight: number;
  /**
   * The kind of fact ("an error names a changed file"). Within a kind, repeats about the same
   * subject (`sub`, default the cited file or ref) decay fast and different subjects decay slower,
   * so a hundred changed config files or a retry storm cannot outvote one precise finding.
   */
  group: string;
  sub?: string;
  item: Omit<EvidenceItem, 'weight' | 'category'>;
}

export interface Scored {
  scores: Map<RootCauseCategory, number>;
  evidence: EvidenceItem[];
}

/** The chance that at least one of several independent indications is right. */
export function noisyOr(weights: readonly number[]): number {
  return 1 - weights.reduce((acc, w) => acc * (1 - Math.min(Math.max(w, 0), 1)), 1);
}

export function score(contributions: readonly Contribution[]): Scored {
  const groups = new Map<string, Map<string, Contribution[]>>();
  for (const c of contributions) {
    if (c.weight <= 0) continue;
    const key = `${c.category}|${c.group}`;
    const subs = groups.get(key) ?? new Map<string, Contribution[]>();
    const sub = c.sub ?? c.item.file ?? c.item.ref;
    subs.set(sub, [...(subs.get(sub) ?? []), c]);
    groups.set(key, subs);
  }
  const scores = new Map<RootCauseCategory, number>();
  const evidence: EvidenceItem[] = [];
  for (const subs of groups.values()) {
    const ranked = [...subs.values()]
      .map((list) => {
        list.sort((a, b) => b.weight - a.weight);
        return { list, total: list.reduce((sum, c, i) => sum + c.weight * W.repeatDecay ** i, 0) };
      })
      .sort((a, b) => b.total - a.total);
    ranked.forEach(({ list, total }, rank) => {
      const lead = list[0];
      if (!lead) return;
      const w = total * W.otherSubjectDecay ** rank;
      scores.set(lead.category, (scores.get(lead.category) ?? 0) + w);
      if (w < 0.02) return;
      // One item per subject; its repeats are named, not listed again.
      const others = [...new Set(list.slice(1).map((c) => c.item.ref))].filter((r) => r !== lead.item.ref);
      const also = others.length ? ` (also ${listSome(others)})` : '';
      evidence.push({
        ...lead.item,
        description: lead.item.description + also,
        category: lead.category,
        weight: Math.round(Math.min(w, 1) * 100) / 100,
      });
    });
  }
  return { scores, evidence };
}

function amount(total: number): number {
  return 1 - Math.exp(-total / W.evidenceScale);
}

/**
 * Confidence of each category: how much evidence there is overall (a single weak signal stays
 * well under 0.5) times the category's share of it (conflicting evidence splits the share).
 */
export function confidences(
  scores: ReadonlyMap<RootCauseCategory, number>,
): { category: RootCauseCategory; confidence: number; score: number }[] {
  const total = [...scores.values()].reduce((a, b) => a + b, 0);
  const ranked = ROOT_CAUSE_CATEGORIES.map((category) => {
    const s = scores.get(category) ?? 0;
    const confidence = total > 0 ? Math.min(amount(total) * (s / total), W.maxConfidence) : 0;
    return { category, score: s, confidence: Math.round(confidence * 100) / 100 };
  });
  // Stable on ties: ROOT_CAUSE_CATEGORIES order.
  return ranked.sort((a, b) => b.score - a.score);
}
