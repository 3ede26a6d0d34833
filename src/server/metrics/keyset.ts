// Keyset pagination, one way for every list that can grow: a page is "the next N rows after this
// row" in an order that ends in a unique column, read as an index range scan (a row comparison on
// the index's columns), so a page costs the same on page 1 and page 10,000 and stays put while new
// rows arrive elsewhere in the order. A cursor is opaque: the order's name and the last (or first)
// row's key values, as exact text (timestamps to the microsecond).
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { rows as selectRows, type Db } from '~/server/db/client';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** A cursor as the client holds it: base64url of `{ k: order name, v: key values }`. */
export const pageCursor = z.string().min(1).max(2000).regex(/^[A-Za-z0-9_-]+$/, { error: 'must be a cursor from a previous page' });

/** What a client asks: the page after `after`, or the page before `before` (neither: the first page). */
export const pageRequest = z.object({
  after: pageCursor.optional(),
  before: pageCursor.optional(),
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});
export type PageRequest = z.input<typeof pageRequest>;

/** A request schema's fields plus paging. */
export function withPaging<T extends z.ZodRawShape>(shape: T) {
  return pageRequest.extend(shape);
}

export interface Page<T> {
  items: T[];
  /** the cursor of the page after this one; null on the last page */
  next: string | null;
  /** the cursor of the page before this one; null on the first page */
  previous: string | null;
}

export type KeyType = 'timestamptz' | 'text';

export interface KeyColumn {
  /** the column or expression, exactly as the index has it (non-null for the rows listed) */
  sql: SQL;
  type: KeyType;
}

/**
 * An order a list can be read in. `columns` end with a unique column and match an index's columns
 * in order; one direction for all of them, so the cursor condition is a row comparison the index
 * answers (a forward or backward scan).
 */
export interface Keyset {
  /** names the order in the cursor, so a cursor from another list or sort is refused */
  name: string;
  columns: readonly KeyColumn[];
  direction: 'asc' | 'desc';
}

/** A cursor that does not belong to the list and sort it was sent to, or is not one at all. */
export class InvalidCursorError extends Error {
  constructor(message = 'This page link is out of date or belongs to another list; start from the first page.') {
    super(message);
  }
}

const timestampText = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

function encode(keyset: Keyset, values: readonly string[]): string {
  return Buffer.from(JSON.stringify({ k: keyset.name, v: values }), 'utf8').toString('base64url');
}

export function decodeCursor(keyset: Keyset, cursor: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const shape = z.object({ k: z.literal(keyset.name), v: z.array(z.string().max(1000)).length(keyset.columns.length) }).safeParse(parsed);
  if (!shape.success) throw new InvalidCursorError();
  const values = shape.data.v;
  keyset.columns.forEach((column, i) => {
    if (column.type === 'timestamptz' && (!timestampText.test(values[i]!) || Number.isNaN(Date.parse(values[i]!)))) throw new InvalidCursorError();
  });
  return values;
}

/** The key as exact text: timestamps in UTC to the microsecond, so the cursor compares equal to the row. */
function keyText(column: KeyColumn): SQL {
  return column.type === 'timestamptz' ? sql`to_char(${column.sql} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : sql`${column.sql}::text`;
}

function keyValue(column: KeyColumn, value: string): SQL {
  return column.type === 'timestamptz' ? sql`${value}::timestamptz` : sql`${value}::text`;
}

const keyAlias = (i: number) => `keyset_${i}`;

export interface KeysetQuery<S extends z.ZodType, T> {
  /** the select list, without the key columns (the helper adds them) */
  select: SQL;
  /** the shape of a selected row, checked before `map` reads it */
  row: S;
  /** `from` and joins */
  from: SQL;
  /** the list's own conditions */
  where: SQL;
  keyset: Keyset;
  page: z.output<typeof pageRequest>;
  map: (row: z.output<S>) => T;
}

/**
 * One page of a list in the keyset's order: `page.pageSize` rows after `page.after` (or before
 * `page.before`), one more read to know whether another page follows.
 */
export async function keysetPage<S extends z.ZodType, T>(db: Db, query: KeysetQuery<S, T>): Promise<Page<T>> {
  const { keyset, page } = query;
  if (page.after !== undefined && page.before !== undefined) throw new InvalidCursorError('Give after or before, not both.');
  const backwards = page.before !== undefined;
  const cursor = page.before ?? page.after;
  const values = cursor === undefined ? null : decodeCursor(keyset, cursor);
  // Reading backwards is the reverse scan of the same index; the rows are turned round afterwards.
  const scan: 'asc' | 'desc' = (keyset.direction === 'asc') !== backwards ? 'asc' : 'desc';
  const columns = sql.join(
    keyset.columns.map((c) => c.sql),
    sql`, `,
  );
  const bound =
    values === null
      ? sql`true`
      : sql`(${columns}) ${sql.raw(scan === 'asc' ? '>' : '<')} (${sql.join(
          keyset.columns.map((c, i) => keyValue(c, values[i]!)),
          sql`, `,
        )})`;
  const found = await selectRows<Record<string, unknown>>(
    db,
    sql`select ${query.select}, ${sql.join(
      keyset.columns.map((c, i) => sql`${keyText(c)} as ${sql.raw(keyAlias(i))}`),
      sql`, `,
    )}
    from ${query.from}
    where (${query.where}) and ${bound}
    order by ${sql.join(
      keyset.columns.map((c) => sql`${c.sql} ${sql.raw(scan)}`),
      sql`, `,
    )}
    limit ${page.pageSize + 1}`,
  );
  const more = found.length > page.pageSize;
  const shown = found.slice(0, page.pageSize);
  if (backwards) shown.reverse();
  const cursorOf = (row: Record<string, unknown> | undefined) =>
    row === undefined ? null : encode(keyset, keyset.columns.map((_, i) => String(row[keyAlias(i)])));
  const first = shown[0];
  const last = shown.at(-1);
  return {
    items: shown.map((row) => query.map(query.row.parse(row))),
    next: backwards ? cursorOf(last) : more ? cursorOf(last) : null,
    previous: backwards ? (more ? cursorOf(first) : null) : cursor === undefined ? null : cursorOf(first),
  };
}
