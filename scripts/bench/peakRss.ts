import { readFileSync } from 'node:fs';

/**
 * This process's peak resident set size in KiB. On Linux, from `VmHWM` in /proc/self/status: the
 * peak of this program's own memory. `process.resourceUsage().maxRSS` (getrusage) keeps the peak
 * across exec, so a child spawned by a big parent (the bench, after its in-process runs) reported
 * the parent's size at the fork; it is the fallback where /proc is missing.
 */
export function peakRssKb(): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // No /proc (macOS, Windows): getrusage below.
  }
  return process.resourceUsage().maxRSS;
}
