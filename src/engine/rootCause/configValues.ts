const SECRET_KEY_RE = /pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth/i;

/** Whether a config key holds a secret, so its values are never shown. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_RE.test(key);
}

/** A config value as it may be shown to a person: secrets hidden, URL credentials dropped. */
export function displayValue(key: string, value: string | undefined): string {
  if (value === undefined) return '(unset)';
  if (isSecretKey(key)) return '<redacted>';
  const v = value.replace(/\/\/[^/@\s]*@/, '//');
  return v.length > 60 ? `${v.slice(0, 57)}...` : v;
}

const UNIT_SCALE: Record<string, number> = {
  k: 1e3,
  ki: 1024,
  kb: 1e3,
  m: 1e6,
  mi: 1024 ** 2,
  mb: 1e6,
  g: 1e9,
  gi: 1024 ** 3,
  gb: 1e9,
  t: 1e12,
  ti: 1024 ** 4,
  tb: 1e12,
  ms: 1e-3,
  s: 1,
  min: 60,
  h: 3600,
};

/** A config value as a number: `512`, `512Mi`, `2G`, `30s`; null when it is not a quantity. */
export function quantity(value: string | undefined): number | null {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]{0,3})\s*$/i.exec(value ?? '');
  if (!m?.[1]) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const scale = unit === '' ? 1 : UNIT_SCALE[unit];
  return scale === undefined ? null : Number(m[1]) * scale;
}
