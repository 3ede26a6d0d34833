// Timestamps as text, one way for both drivers: ISO 8601 in UTC with milliseconds (what
// Date.prototype.toISOString gives), so an instant read from SQL compares equal to one from JS.
import { sql, type SQL } from 'drizzle-orm';

/** A timestamptz as ISO 8601 text in UTC, milliseconds kept: 2026-01-05T09:30:00.250Z. */
export function isoText(column: SQL): SQL {
  return sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
