import { deflateSync, inflateSync } from 'node:zlib';
import type { Database } from 'sql.js';
import { InputError } from '../errors';
import {
  ROOT_CAUSE_CATEGORIES,
  type Incident,
  type IncidentSeverity,
  type IncidentStatus,
  type PatternSummary,
  type RootCauseCategory,
} from '../types';
import { blobColumn, nullableTextColumn, numberColumn, queryRow, queryRows, textColumn, type Row } from './sqlRows';

/** An incident's columns without its payload: enough for lists, cheap to read. */
export interface IncidentListItem {
  id: string;
  title: string;
  createdAt: number;
  severity: IncidentSeverity;
  status: IncidentStatus;
  category: RootCauseCategory;
  confidence: number;
  signature: string;
  repeatOf: string | null;
}

const ID_PREFIX = 'INC-';
const ID_PATTERN = /^INC-(\d{4,})$/;
const SEVERITIES: readonly IncidentSeverity[] = ['critical', 'high', 'medium', 'low'];
const STATUSES: readonly IncidentStatus[] = ['open', 'resolved'];

const LIST_COLUMNS = 'id, title, created_at, severity, status, category, confidence, signature, repeat_of';

export function formatIncidentId(seq: number): string {
  return `${ID_PREFIX}${String(seq).padStart(4, '0')}`;
}

/**
 * The id the next incident gets (`INC-0001`, ...). Call it in the same `MetadataDb.write`
 * as insertIncident: the write lock is what keeps two processes from taking the same id.
 */
export function nextIncidentId(db: Database): string {
  const row = queryRow(db, 'SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM incidents');
  return formatIncidentId(row === undefined ? 1 : numberColumn(row, 'next'));
}

export function insertIncident(db: Database, incident: Incident): void {
  const seq = parseSeq(incident.id);
  if (queryRow(db, 'SELECT 1 AS found FROM incidents WHERE id = ? OR seq = ?', [incident.id, seq]) !== undefined) {
    throw new InputError(`incident ${incident.id} already exists`);
  }
  db.run(
    `INSERT INTO incidents (id, seq, title, created_at, severity, status, resolved_at, baseline_id, post_id,
       category, confidence, signature, repeat_of, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [incident.id, seq, ...mutableColumns(incident)],
  );
}

/** Replaces an existing incident (status, resolution, edited text...) by its id. */
export function updateIncident(db: Database, incident: Incident): void {
  db.run(
    `UPDATE incidents SET title = ?, created_at = ?, severity = ?, status = ?, resolved_at = ?, baseline_id = ?,
       post_id = ?, category = ?, confidence = ?, signature = ?, repeat_of = ?, payload = ?
     WHERE id = ?`,
    [...mutableColumns(incident), incident.id],
  );
  if (db.getRowsModified() === 0) throw new InputError(`unknown incident ${incident.id}`);
}

export function getIncident(db: Database, id: string): Incident | undefined {
  const row = queryRow(db, 'SELECT payload FROM incidents WHERE id = ?', [id]);
  return row === undefined ? undefined : decodePayload(blobColumn(row, 'payload'));
}

/** Every incident without its payload, oldest first. */
export function listIncidents(db: Database): IncidentListItem[] {
  return queryRows(db, `SELECT ${LIST_COLUMNS} FROM incidents ORDER BY seq`).map(toListItem);
}

/** Incidents with this signature, oldest first (the first is what a repeat points at). */
export function findBySignature(db: Database, signature: string): IncidentListItem[] {
  return queryRows(db, `SELECT ${LIST_COLUMNS} FROM incidents WHERE signature = ? ORDER BY seq`, [signature]).map(toListItem);
}

/**
 * Incidents grouped by signature: recurring ones (two or more) first, most frequent and
 * then most recent on top, followed by one-offs, most recent first. Category and example
 * title come from the latest incident of the group.
 */
export function listPatterns(db: Database): PatternSummary[] {
  const groups = new Map<string, PatternSummary>();
  for (const item of listIncidents(db)) {
    const group = groups.get(item.signature);
    if (group === undefined) {
      groups.set(item.signature, {
        signature: item.signature,
        category: item.category,
        count: 1,
        incidents: [item.id],
        firstSeen: item.createdAt,
        lastSeen: item.createdAt,
        example: item.title,
      });
      continue;
    }
    group.count++;
    group.incidents.push(item.id);
    group.firstSeen = Math.min(group.firstSeen, item.createdAt);
    if (item.createdAt >= group.lastSeen) {
      group.lastSeen = item.createdAt;
      group.category = item.category;
      group.example = item.title;
    }
  }
  return [...groups.values()].sort(
    (a, b) =>
      Number(b.count >= 2) - Number(a.count >= 2) || b.count - a.count || b.lastSeen - a.lastSeen || a.signature.localeCompare(b.signature),
  );
}

function parseSeq(id: string): number {
  const match = ID_PATTERN.exec(id);
  if (match?.[1] === undefined) {
    throw new InputError(`incident id ${JSON.stringify(id)} is not of the form INC-0001 (use nextIncidentId)`);
  }
  return Number(match[1]);
}

/** Columns derived from the incident, in the order of insert and update statements. */
function mutableColumns(incident: Incident): (string | number | null | Uint8Array)[] {
  return [
    incident.title,
    incident.createdAt,
    incident.severity,
    incident.status,
    incident.resolvedAt,
    incident.baselineId,
    incident.postId,
    incident.rootCause.category,
    incident.rootCause.confidence,
    incident.signature,
    incident.repeatOf,
    encodePayload(incident),
  ];
}

// The payload is deflated JSON stored as a BLOB: timelines, triggers and change lists
// repeat the same keys and paths, so they shrink several times over, and a BLOB avoids
// base64's third more bytes. The file is rewritten whole on every save, so size is speed.
function encodePayload(incident: Incident): Uint8Array {
  return deflateSync(Buffer.from(JSON.stringify(incident), 'utf8'));
}

function decodePayload(bytes: Uint8Array): Incident {
  return JSON.parse(inflateSync(bytes).toString('utf8')) as Incident;
}

function toListItem(row: Row): IncidentListItem {
  return {
    id: textColumn(row, 'id'),
    title: textColumn(row, 'title'),
    createdAt: numberColumn(row, 'created_at'),
    severity: oneOf(row, 'severity', SEVERITIES),
    status: oneOf(row, 'status', STATUSES),
    category: oneOf(row, 'category', ROOT_CAUSE_CATEGORIES),
    confidence: numberColumn(row, 'confidence'),
    signature: textColumn(row, 'signature'),
    repeatOf: nullableTextColumn(row, 'repeat_of'),
  };
}

function oneOf<T extends string>(row: Row, column: string, allowed: readonly T[]): T {
  const value = textColumn(row, column);
  const known = allowed.find((candidate) => candidate === value);
  if (known === undefined) throw new Error(`metadata database column ${column}: unknown value ${JSON.stringify(value)}`);
  return known;
}
