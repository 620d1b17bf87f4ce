import type { BindParams, Database, SqlValue } from 'sql.js';

export type Row = Record<string, SqlValue>;

export function queryRows(db: Database, sql: string, params: BindParams = []): Row[] {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    const rows: Row[] = [];
    while (statement.step()) rows.push(statement.getAsObject());
    return rows;
  } finally {
    statement.free();
  }
}

export function queryRow(db: Database, sql: string, params: BindParams = []): Row | undefined {
  return queryRows(db, sql, params)[0];
}

// Column readers: a value of the wrong type means the file was edited by hand or damaged,
// and is reported rather than passed on as a wrongly typed value.

export function textColumn(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw wrongType(column, 'text', value);
  return value;
}

export function nullableTextColumn(row: Row, column: string): string | null {
  const value = row[column];
  return value === null || value === undefined ? null : textColumn(row, column);
}

export function numberColumn(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number') throw wrongType(column, 'number', value);
  return value;
}

export function blobColumn(row: Row, column: string): Uint8Array {
  const value = row[column];
  if (!(value instanceof Uint8Array)) throw wrongType(column, 'blob', value);
  return value;
}

function wrongType(column: string, expected: string, value: SqlValue | undefined): Error {
  const actual = value === null ? 'null' : value instanceof Uint8Array ? 'blob' : typeof value;
  return new Error(`metadata database column ${column}: expected ${expected}, found ${actual}`);
}
