/**
 * Database command-line clients: sqlite3 (`Runtime error near line 2: UNIQUE constraint failed:
 * users.email (19)`, `Parse error near line 3: near "SELEC": syntax error`, `Error: database disk
 * image is malformed`, `.import`'s `data/users.csv:4: INSERT failed: ...`) and psql (`psql:
 * scripts/migrate.sql:12: ERROR:  relation "orders" does not exist`).
 */
import type { ToolHit } from './hit';

const SQLITE_NEAR = /^(Runtime|Parse) error near line (\d+): (.+)$/;
const SQLITE_ERROR =
  /^Error: (?:(?:near line \d+|in prepare|stepping)[,:] )?(.*\b(?:malformed|not a database|constraint failed|no such (?:table|column)|syntax error|database is locked|readonly database|unable to open database file|disk I\/O error|datatype mismatch)\b.*)$/;
const SQLITE_IMPORT = /^(\S+):(\d+): (INSERT failed|expected \d+ columns but found \d+[^\n]*)(?:: (.+))?$/;
/** `psql: error: connection to server ... failed` (psql 14+), `psql:FILE:LINE: ERROR:  ...` when running a script. */
const PSQL = /^psql:(?:([^:\s]+):(\d+):)? (ERROR|FATAL|error):\s+(.+)$/;

export function databaseMessage(text: string): ToolHit | null {
  const near = SQLITE_NEAR.exec(text);
  if (near) {
    return {
      errorType: `sqlite3: ${near[1]?.toLowerCase()} error`,
      message: `sqlite3 ${near[1]?.toLowerCase()} error near line ${near[2]} of its input: ${near[3] ?? ''}`,
      index: 0,
    };
  }
  const err = SQLITE_ERROR.exec(text);
  if (err) return { errorType: 'sqlite3: error', message: `sqlite3: ${err[1] ?? ''}`, index: 0 };
  const imp = SQLITE_IMPORT.exec(text);
  if (imp) {
    return {
      errorType: 'sqlite3: import failed',
      message: `${imp[1]}:${imp[2]}: ${imp[3] ?? ''}${imp[4] ? `: ${imp[4]}` : ''}`,
      index: 0,
      locations: [{ file: imp[1] ?? '', line: Number(imp[2]) }],
    };
  }
  const pg = PSQL.exec(text);
  if (pg) {
    const hit: ToolHit = {
      errorType: `psql: ${pg[3]}`,
      message: `psql: ${pg[4] ?? ''}${pg[1] ? ` (${pg[1]} line ${pg[2]})` : ''}`,
      index: 0,
    };
    if (pg[1]) hit.locations = [{ file: pg[1], line: Number(pg[2]) }];
    return hit;
  }
  return null;
}
