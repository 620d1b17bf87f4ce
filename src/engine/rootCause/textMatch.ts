export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const tokenRes = new Map<string, RegExp>();

/** Whether `text` holds `fragment` as a whole token (not inside a longer name or number). */
export function textHas(text: string, fragment: string): boolean {
  // The substring test keeps thousands of triggers × changed paths cheap; the regex settles boundaries.
  if (!text.includes(fragment)) return false;
  let re = tokenRes.get(fragment);
  if (!re) {
    re = new RegExp(`(?<![\\w.-])${escapeRe(fragment)}(?![\\w-]|\\.\\w)`);
    if (tokenRes.size > 10_000) tokenRes.clear();
    tokenRes.set(fragment, re);
  }
  return re.test(text);
}

/** Whether `text` names `path` (whole path, or a distinctive file name that only one change has). */
export function mentionsPath(text: string, path: string, uniqueBase = true): boolean {
  if (textHas(text, path)) return true;
  if (!uniqueBase) return false;
  const base = path.split('/').pop() ?? path;
  if (base === path || base.length < 5 || !base.includes('.')) return false;
  return textHas(text, base);
}
