// Every dashboard answer says how fresh it is: the projector's position read beside the metric.
import type { Db } from '~/server/db/client';
import { freshness, type Freshness } from '~/server/projector/projector';

export type { Freshness };

/** The answer with `asOf` and `lagSeconds`, read in parallel with it. */
export async function fresh<T extends object>(db: Db, answer: Promise<T> | T): Promise<T & Freshness> {
  const [value, state] = await Promise.all([answer, freshness(db)]);
  if (Array.isArray(value)) throw new Error('a list answer carries its freshness in an object: return { rows, ... }');
  return { ...value, ...state };
}
