import type { Database } from 'sql.js';

/**
 * Replays: what an agent set out to do (its task payload) and, once annotated, how it ended.
 * Agents record them through the MCP server and the hooks; they live in the store, never in
 * the workspace. The payload is readable JSON, like postmortems; the columns are what lists
 * and summaries filter and group by.
 */
export function createReplays(db: Database): void {
  db.exec(`
    CREATE TABLE replays (
      id           TEXT PRIMARY KEY,
      seq          INTEGER NOT NULL UNIQUE,
      recorded_at  INTEGER NOT NULL,
      agent        TEXT,
      phase        TEXT,
      plan         TEXT,
      session      TEXT,
      call_id      TEXT,
      status       TEXT,
      annotated_at INTEGER,
      payload      TEXT NOT NULL CHECK (json_valid(payload))
    );
    CREATE INDEX replays_agent ON replays (agent, recorded_at);
    CREATE INDEX replays_call ON replays (session, call_id);
  `);
}
