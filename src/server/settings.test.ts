import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { getSetting, setSetting } from './settings';

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

describe('settings', () => {
  it('reads the default SLAs when nothing is stored', async () => {
    expect(await getSetting(handle.db, 'slas')).toEqual({ leadFollowUpHours: 24, onboardingStartHours: 168, ticketResolutionHours: 48 });
  });

  it('stores and reads back a valid value, replacing the previous one', async () => {
    await setSetting(handle.db, 'slas', { leadFollowUpHours: 12, onboardingStartHours: 168, ticketResolutionHours: 48 });
    await setSetting(handle.db, 'slas', { leadFollowUpHours: 8, onboardingStartHours: 100, ticketResolutionHours: 24 });
    expect(await getSetting(handle.db, 'slas')).toEqual({ leadFollowUpHours: 8, onboardingStartHours: 100, ticketResolutionHours: 24 });
  });

  it('refuses an invalid value and keeps the stored one', async () => {
    await expect(
      setSetting(handle.db, 'slas', { leadFollowUpHours: -1, onboardingStartHours: 100, ticketResolutionHours: 24 }),
    ).rejects.toThrow();
    expect((await getSetting(handle.db, 'slas')).leadFollowUpHours).toBe(8);
  });

  it('falls back to the default when the stored value is unreadable', async () => {
    await handle.db.execute(sql`update settings set value = '{"leadFollowUpHours": "soon"}'::jsonb where key = 'slas'`);
    expect((await getSetting(handle.db, 'slas')).leadFollowUpHours).toBe(24);
  });
});
