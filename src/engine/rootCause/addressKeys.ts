import type { ConfigKeyChange } from './configKeys';
import type { TextFacts } from './context';
import type { ClassifyInput } from './input';

export interface AddressKey {
  path: string;
  change: ConfigKeyChange;
}

/** Key names of where a job connects: `db.host`, `API_URL`, `redis_port`, `endpoint`, `DATABASE_DSN`. */
const ADDRESS_KEY = /(?:^|[_.-])(?:host(?:name)?|url|uri|endpoint|dsn|addr(?:ess)?|port|server|domain|proxy)$/i;
/** Failures to reach something, as opposed to something answering badly (5xx, rate limits). */
const REACH_SIGNALS = new Set(['conn_refused', 'dns_failure', 'unreachable', 'tls_failure', 'conn_reset', 'curl_transport']);

/**
 * Config keys that say where the job connects and changed in the window, when the error is a
 * failure to reach something and names no changed key or value itself (`Name or service not
 * known` names no host): the job was pointed somewhere else, and the failure is that change's.
 */
export function addressKeysChanged(facts: TextFacts, input: ClassifyInput): AddressKey[] {
  if (facts.keyHits.length > 0 || !facts.signals.some((s) => s.category === 'external_failure' && REACH_SIGNALS.has(s.signal))) return [];
  const out: AddressKey[] = [];
  for (const [path, changes] of input.configKeys) {
    for (const change of changes) {
      const leaf = change.key.split('.').pop() ?? change.key;
      if (change.change === 'changed' && ADDRESS_KEY.test(leaf)) out.push({ path, change });
    }
  }
  return out;
}
