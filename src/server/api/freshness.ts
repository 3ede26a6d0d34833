// Every dashboard answer says how fresh it is: the projector's position read beside the metric.
import type { Db } from '~/server/db/client';
import { freshness, type Freshness } from '~/server/projector/projector';

export type { Freshness };

/**
 * The answer with `asOf` and `lagSeconds`, read in parallel with it. Report answers are objects;
 * a plain list (a drill-down page) stays a list, its page shows the freshness of its report.
 */
export async function fresh<T extends object & { length?: never }>(db: Db, answer: Promise<T> | T): Promise<T & Freshness> {
  const [value, state] = await Promise.all([answer, freshness(db)]);
  return { ...value, ...state };
}
