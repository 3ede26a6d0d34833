// Parameters that travel as one value whichever driver runs the query.
import { sql, type SQL } from 'drizzle-orm';

/** A JSON value as one query parameter (arrays would otherwise expand to parameter lists). */
export function jsonParam(value: unknown): SQL {
  // jsonb cannot hold U+0000 or unpaired surrogates: events carrying them are refused at the door;
  // anything else (a user's text) keeps them as visible text instead of failing the statement.
  // JSON.stringify writes both as \u escapes, so text without such an escape needs no cleaning
  // (the common case, and the cheap one: no callback per string).
  const plain = JSON.stringify(value);
  if (plain === undefined || !/\\u(0000|d[89a-f])/i.test(plain)) return sql`${plain}::jsonb`;
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('\u0000', '\\u0000').toWellFormed() : v));
  return sql`${text}::jsonb`;
}

/**
 * A set of text keys as an array, for `x = any(${keyArray(keys)})`: evaluated once, so the
 * planner can use the index on x (an `in (select ...)` semi-join may scan the table instead).
 */
export function keyArray(keys: Iterable<string>): SQL {
  return sql`array(select jsonb_array_elements_text(${jsonParam([...new Set(keys)])}))`;
}
