import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { one, sql, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { stageCounts } from '~/server/metrics/funnel';
import { generateDemo } from './generate';
import { ensureDemoKeys, isEventLogEmpty, seedDemo } from './seed';

const options = { leads: 150, seed: 7, anchor: new Date('2026-01-15T00:00:00Z') };

describe('seedDemo', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('sends every demo event through ingestion, and a second run only finds duplicates', async () => {
    const expected = [...generateDemo(options)].reduce((sum, b) => sum + b.events.length, 0);
    expect(await isEventLogEmpty(handle.db)).toBe(true);

    const first = await seedDemo(handle.db, options);
    expect(first.events).toBe(expected);
    expect(first.accepted).toBe(expected);
    expect(first.rejected).toBe(0);
    expect(await isEventLogEmpty(handle.db)).toBe(false);

    const logged = await one<{ n: number; keys: number }>(handle.db, sql`select count(*)::int as n, count(distinct api_key_id)::int as keys from events`);
    expect(logged).toEqual({ n: expected, keys: 4 });

    const counts = await stageCounts(handle.db);
    expect(counts.find((c) => c.stage === 'inquiry')!.journeys).toBe(150);
    for (let k = 1; k < counts.length; k++) expect(counts[k]!.journeys).toBeLessThanOrEqual(counts[k - 1]!.journeys);
    expect(counts.find((c) => c.stage === 'conversion')!.journeys).toBeGreaterThan(0);

    const again = await seedDemo(handle.db, options);
    expect(again.accepted).toBe(0);
    expect(again.duplicates).toBe(expected);
  });

  it('reuses one demo key per department', async () => {
    const before = await ensureDemoKeys(handle.db);
    const after = await ensureDemoKeys(handle.db);
    expect(after).toEqual(before);
    const keys = await one<{ n: number }>(handle.db, sql`select count(*)::int as n from api_keys where name like 'Demo %'`);
    expect(keys.n).toBe(4);
  });
});
