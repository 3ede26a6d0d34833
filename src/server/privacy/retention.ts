// Raw-event retention: once a raw event is older than the configured age (setting `retention`, off
// by default), its data is compacted to the fields the projection reads, so the read model, its
// rebuild and the account timeline keep working from it; free text nobody reads again (touch
// URLs, qualification reasons) goes, from the log and from the read model's copy alike. Rejected
// events older than the age are deleted. Runs in the app server every hour and as `npm run compact`.
import { sql } from 'drizzle-orm';
import { one, rows, type Db } from '~/server/db/client';
import { jsonParam, keyArray } from '~/server/db/params';
import { audit, type Actor } from '~/server/auth/audit';
import type { EventType } from '~/server/ingest/catalogue';
import { PROJECTOR_LOCK } from '~/server/projector/projector';
import { getSetting, setSetting, type RetentionSettings } from '~/server/settings';

export { retentionSettings } from '~/server/settings';

/**
 * What a compacted event keeps, per type: every field the projection (and so `rebuild`) reads.
 * Everything else is dropped; `strippedFields` names what the catalogue has beyond these.
 */
export const keptFields: Record<EventType, readonly string[]> = {
  touch: ['contactId', 'anonymousId', 'channel', 'campaignId', 'touchType'],
  'lead.created': ['contactId', 'accountId', 'email', 'name', 'company', 'source', 'campaignId', 'anonymousId'],
  'campaign.upserted': ['campaignId', 'name', 'channel', 'budgetCents'],
  'campaign.spend': ['campaignId', 'amountCents', 'date'],
  'lead.followed_up': ['contactId', 'activity', 'ownerId'],
  'lead.qualified': ['contactId'],
  'lead.disqualified': ['contactId', 'reason'],
  'opportunity.created': ['opportunityId', 'accountId', 'contactId', 'amountCents', 'dealType', 'stage'],
  'opportunity.updated': ['opportunityId', 'amountCents', 'stage', 'expectedCloseAt'],
  'opportunity.won': ['opportunityId', 'amountCents'],
  'opportunity.lost': ['opportunityId', 'reason'],
  'onboarding.started': ['opportunityId', 'accountId'],
  'onboarding.completed': ['opportunityId', 'accountId'],
  'capacity.set': ['week', 'slots'],
  'account.renewed': ['accountId', 'amountCents'],
  'account.expanded': ['accountId', 'amountCents'],
  'account.churned': ['accountId', 'reason'],
  'account.advocacy': ['accountId', 'contactId', 'kind'],
  'ticket.opened': ['ticketId', 'accountId', 'contactId', 'category', 'priority'],
  'ticket.resolved': ['ticketId', 'csat'],
};

/**
 * The catalogue's fields a compacted event loses: free text. `touch.url` is also cleared in the
 * read model (`touches.url`), which no report reads; `lead.qualified.reason` is not projected.
 */
export const strippedFields: Partial<Record<EventType, readonly string[]>> = {
  touch: ['url'],
  'lead.qualified': ['reason'],
};

export const RETENTION_BATCH_IDS = 20_000;

export interface CompactionResult {
  enabled: boolean;
  /** occurred (events) / received (rejected events) before this instant; null when off */
  cutoff: string | null;
  /** raw events whose data was compacted in this run */
  compacted: number;
  /** read-model touches whose URL was cleared with them */
  touchUrls: number;
  /** rejected events deleted */
  rejectedDeleted: number;
}

/**
 * Compacts the raw events older than the setting's age and deletes older rejected events. Each
 * window of ids is one transaction holding the projector lock, so the projector never applies a
 * touch between its URL's removal from the log and from the read model. Idempotent.
 */
export async function compactRawEvents(db: Db, options: { now?: Date; batchIds?: number } = {}): Promise<CompactionResult> {
  const settings = await getSetting(db, 'retention');
  if (!settings.enabled) return { enabled: false, cutoff: null, compacted: 0, touchUrls: 0, rejectedDeleted: 0 };
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - settings.days * 86_400_000).toISOString();
  const window = options.batchIds ?? RETENTION_BATCH_IDS;
  const kept = jsonParam(keptFields);
  const types = keyArray(Object.keys(keptFields));

  const bounds = await one<{ low: string | number | null; high: string | number | null }>(db, sql`select min(id) as low, max(id) as high from events`);
  let compacted = 0;
  let touchUrls = 0;
  if (bounds.low !== null && bounds.high !== null) {
    for (let from = Number(bounds.low); from <= Number(bounds.high); from += window) {
      const [counts] = await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${PROJECTOR_LOCK})`);
        return rows<{ events: number; urls: number }>(
          tx,
          sql`with changed as (
            update events e
            set data = e.data - array(select k from jsonb_object_keys(e.data) k where k not in (select jsonb_array_elements_text(${kept} -> e.type)))
            where e.id >= ${from} and e.id < ${from + window}
              and e.occurred_at < ${cutoff}::timestamptz
              and e.type = any(${types})
              and exists (select 1 from jsonb_object_keys(e.data) k where k not in (select jsonb_array_elements_text(${kept} -> e.type)))
            returning e.id, e.type
          ),
          urls as (
            update touches t set url = null
            from changed c where c.type = 'touch' and t.event_pk = c.id and t.url is not null
            returning t.event_pk
          )
          select (select count(*) from changed)::int as events, (select count(*) from urls)::int as urls`,
        );
      });
      compacted += Number(counts?.events ?? 0);
      touchUrls += Number(counts?.urls ?? 0);
    }
  }
  const deleted = await rows<{ n: number }>(
    db,
    sql`with gone as (delete from rejected_events where received_at < ${cutoff}::timestamptz returning 1) select count(*)::int as n from gone`,
  );
  return { enabled: true, cutoff, compacted, touchUrls, rejectedDeleted: Number(deleted[0]?.n ?? 0) };
}

export async function getRetention(db: Db): Promise<RetentionSettings> {
  return getSetting(db, 'retention');
}

/** Changes the setting and audits the change with the old and new value, in one transaction. */
export async function setRetention(db: Db, value: RetentionSettings, actor: Actor | null): Promise<RetentionSettings> {
  return db.transaction(async (tx) => {
    const before = await getSetting(tx, 'retention');
    const after = await setSetting(tx, 'retention', value);
    await audit(tx, actor, 'retention.set', { before, after });
    return after;
  });
}
