import ignore, { type Ignore } from 'ignore';
import { Minimatch } from 'minimatch';

/** Folder names never captured, at any depth: version-control data and installed packages. */
const ALWAYS_EXCLUDED = new Set(['.git', 'node_modules']);

const GLOB_OPTIONS = { dot: true } as const;

/**
 * Decides from include/exclude globs (minimatch, dot files matched) which workspace-relative
 * paths a capture takes. Folders are pruned as early as possible so excluded trees are never read.
 */
export class PathFilter {
  private readonly includeAll: boolean;
  private readonly include: Minimatch[];
  private readonly exclude: Minimatch[];
  /** Exclude patterns that prune a whole folder: `dist/**` also drops the folder `dist` itself. */
  private readonly excludeDirs: Minimatch[];

  constructor(
    include: readonly string[],
    exclude: readonly string[],
    /** Workspace-relative store folder when it lies inside the workspace. */
    private readonly storeRel: string | null,
  ) {
    this.includeAll = include.length === 0 || include.some((p) => p === '**' || p === '**/*');
    this.include = this.includeAll ? [] : include.map((p) => new Minimatch(p, GLOB_OPTIONS));
    this.exclude = exclude.map((p) => new Minimatch(p, GLOB_OPTIONS));
    this.excludeDirs = exclude.flatMap((p) => {
      const own = new Minimatch(p, GLOB_OPTIONS);
      return p.endsWith('/**') && p.length > 3 ? [own, new Minimatch(p.slice(0, -3), GLOB_OPTIONS)] : [own];
    });
  }

  /** Whether a folder should be descended into. */
  takesDir(rel: string, name: string): boolean {
    if (ALWAYS_EXCLUDED.has(name) || rel === this.storeRel) return false;
    for (const m of this.excludeDirs) if (m.match(rel)) return false;
    if (this.includeAll) return true;
    for (const m of this.include) if (m.match(rel, true)) return true;
    return false;
  }

  /** Whether a file (or symlink, or special file) is captured. */
  takesFile(rel: string, name: string): boolean {
    if (ALWAYS_EXCLUDED.has(name)) return false;
    for (const m of this.exclude) if (m.match(rel)) return false;
    if (this.includeAll) return true;
    for (const m of this.include) if (m.match(rel)) return true;
    return false;
  }
}

/**
 * The .gitignore files that apply in one folder: its own and its ancestors', nearest last.
 * Like git, the nearest file that has an opinion about a path decides, so a nested
 * `!keep.log` re-includes what a parent ignored, and rules match relative to their folder.
 */
export class GitignoreRules {
  private rules: Ignore | null = null;

  private constructor(
    /** Workspace-relative folder of this file's rules, '' for the root, else ending in '/'. */
    private readonly base: string,
    /** Reads the .gitignore text; called on first use, so folders whose listing is reused never read it. */
    private readonly load: (() => string) | null,
    private readonly parent: GitignoreRules | null,
  ) {}

  static none(): GitignoreRules {
    return new GitignoreRules('', null, null);
  }

  /** Rules for a sub-folder `relDir` that has its own .gitignore, whose text `load` returns. */
  with(relDir: string, load: () => string): GitignoreRules {
    return new GitignoreRules(relDir === '' ? '' : `${relDir}/`, load, this);
  }

  ignores(rel: string, isDir: boolean): boolean {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the walk up the parent chain starts here
    for (let node: GitignoreRules | null = this; node; node = node.parent) {
      if (!node.load) continue;
      node.rules ??= ignore({ ignorecase: false }).add(node.load());
      const sub = rel.slice(node.base.length) + (isDir ? '/' : '');
      const verdict = node.rules.test(sub);
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  }
}
