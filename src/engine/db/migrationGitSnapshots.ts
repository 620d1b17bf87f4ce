import type { Database } from 'sql.js';

/**
 * Snapshots of a git commit's tree (`git:<rev>` refs) keep the commit, so asking for the same
 * commit again reuses the row instead of importing the tree twice.
 */
export function addSnapshotGitCommit(db: Database): void {
  db.exec(`
    ALTER TABLE snapshots ADD COLUMN git_commit TEXT;
    CREATE INDEX snapshots_git_commit ON snapshots (git_commit) WHERE git_commit IS NOT NULL;
  `);
}
