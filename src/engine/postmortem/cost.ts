import type { Postmortem } from './types';

export interface IncidentCost {
  /** Revenue lost + SLA credits + emergency vendor costs. */
  direct: number;
  /** Engineering hours × loaded hourly rate + customer churn risk. */
  indirect: number;
  total: number;
  /** Total per minute of downtime; null when the downtime is unknown or zero. */
  perMinute: number | null;
}

/** Money is reported to the cent; this keeps float noise (0.1 + 0.2) out of reports. */
function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * The framework's incident cost calculator. Unknown amounts count as zero, so a partly
 * filled postmortem still shows what is known; engineering time counts only when both the
 * hours and the rate are known.
 */
export function costOf(pm: Postmortem, downtimeMs: number | null): IncidentCost {
  const c = pm.cost;
  const amount = (v: number | null): number => v ?? 0;
  const direct = amount(c.revenueLost.value) + amount(c.slaCredits.value) + amount(c.vendorCosts.value);
  const engineering = c.engineeringHours.value !== null && c.hourlyRate.value !== null ? c.engineeringHours.value * c.hourlyRate.value : 0;
  const indirect = engineering + amount(c.churnRisk.value);
  const total = direct + indirect;
  const perMinute = downtimeMs !== null && downtimeMs > 0 ? total / (downtimeMs / 60_000) : null;
  return {
    direct: cents(direct),
    indirect: cents(indirect),
    total: cents(total),
    perMinute: perMinute === null ? null : cents(perMinute),
  };
}

/** Start → end of the incident as the postmortem records it, when both are known. */
export function downtimeOf(pm: Postmortem): number | null {
  const start = pm.summary.start.value;
  const end = pm.summary.end.value;
  return start !== null && end !== null && end >= start ? end - start : null;
}
