// The settings an admin edits on the settings page (forecast horizon, attribution lookback, SLAs):
// validated by settings.ts, saved with their audit row in one transaction. A new lookback applies to
// every won opportunity at once: their credits are recomputed in that transaction, with the
// projector held off so that it cannot write credits under the old window meanwhile.
import { sql } from 'drizzle-orm';
import { audited, type Actor } from '~/server/auth/audit';
import type { Db } from '~/server/db/client';
import { recomputeAllAttribution } from '~/server/metrics/attribution';
import { PROJECTOR_LOCK } from '~/server/projector/projector';
import { getProductSettings, setSetting, type ProductSettings } from '~/server/settings';

export async function saveProductSettings(db: Db, actor: Actor | null, change: Partial<ProductSettings>): Promise<ProductSettings> {
  return audited(
    db,
    actor,
    'settings.set',
    async (tx) => {
      const before = await getProductSettings(tx);
      if (change.forecastWeeks !== undefined) await setSetting(tx, 'forecastWeeks', change.forecastWeeks);
      if (change.slas !== undefined) await setSetting(tx, 'slas', change.slas);
      if (change.attributionLookbackDays !== undefined && change.attributionLookbackDays !== before.attributionLookbackDays) {
        await tx.execute(sql`select pg_advisory_xact_lock(${PROJECTOR_LOCK})`);
        await setSetting(tx, 'attributionLookbackDays', change.attributionLookbackDays);
        await recomputeAllAttribution(tx);
      }
      return getProductSettings(tx);
    },
    () => change,
  );
}
