import path from 'node:path';
import { inline } from './markdownText';

/**
 * Links from a report to workspace files are relative to the folder the report sits in
 * (`../../config/app.json` from `docs/incidents/`), so they work on GitHub and in editors.
 */
export interface LinkBase {
  /** POSIX path from the report's folder to the workspace root ('' when they are the same). */
  toRoot: string;
}

export function linkBase(reportFolder: string, workspaceRoot: string): LinkBase {
  const rel = path.relative(path.resolve(reportFolder), path.resolve(workspaceRoot));
  return { toRoot: rel.split(path.sep).join('/') };
}

/** Percent-encodes each segment, so names with spaces, parentheses or `#` stay one link target. */
export function fileHref(base: LinkBase, file: string, line?: number): string {
  const target = base.toRoot === '' ? file : path.posix.join(base.toRoot, file);
  const href = target
    .split('/')
    .map((seg) => (seg === '..' || seg === '.' ? seg : encodeURIComponent(seg)))
    .join('/');
  return line !== undefined && line > 0 ? `${href}#L${line}` : href;
}

/** `[file:line](../../file#Lline)`. */
export function fileLink(base: LinkBase, file: string, line?: number): string {
  const label = line !== undefined && line > 0 ? `${file}:${line}` : file;
  return `[${inline(label)}](${fileHref(base, file, line)})`;
}
