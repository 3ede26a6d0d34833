// "Forget this person": everything one person left behind, by contact id or email, is rewritten
// in place, in one transaction that holds the projector lock.
//
// - The raw log (`events`): the person's contact id and the anonymous ids tied to it become
//   random pseudonyms, email and name are dropped, free text (touch URLs, qualification and loss
//   reasons) is dropped; a required disqualification reason becomes "erased". Times, types,
//   amounts and every other id stay, so the journey still counts, anonymised.
// - The rejected log: every row mentioning the person (email anywhere, ids and name as whole JSON
//   strings) has them replaced wherever they occur in `raw`, `raw_text`, `raw_body` (byte for byte otherwise), the
//   event id and the errors.
// - The read model: the person's applied events are projected again from the rewritten log, so
//   it equals what `rebuild` makes from the log; events not applied yet are applied rewritten.
// - The audit log: entries naming the person are redacted the same way.
//
// The erasure itself is audited with counts and the pseudonyms, never the erased values.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { one, rows, type Db } from '~/server/db/client';
import { oneConnectionPerWorker } from '~/server/db/distribution';
import { jsonParam, keyArray } from '~/server/db/params';
import { rollupMode, takeOutJourneys } from '~/server/projector/rollups';
import { audit, type Actor } from '~/server/auth/audit';
import { PROJECTOR_LOCK } from '~/server/projector/projector';
import { project } from '~/server/projector/projection';
import { anonymiseEvent, ERASED, redactBytes, redactJson, redactText, type Pseudonyms, type Replacements } from './redact';

export type ErasureSubject = { contactId: string } | { email: string };

export interface ErasureResult {
  /** journeys (contact ids) found and anonymised */
  contacts: number;
  /** raw events rewritten */
  events: number;
  /** rejected-log rows rewritten */
  rejected: number;
  /** audit entries redacted */
  auditEntries: number;
  /** the pseudonyms the journeys carry from now on */
  pseudonyms: string[];
}

interface LogRow {
  pk: string | number;
  tx: string | number;
  event_id: string;
  type: string;
  entity_key: string;
  occurred_at: Date | string;
  received_at: Date | string;
  data: Record<string, unknown>;
}

const pseudonym = () => `${ERASED}-${randomUUID()}`;

export async function erasePerson(db: Db, subject: ErasureSubject, actor: Actor | null, context: Record<string, unknown> = {}): Promise<ErasureResult> {
  const result = await db.transaction(async (tx) => {
    await oneConnectionPerWorker(tx);
    // The projector waits: it must not apply a row between its rewrite and the re-projection.
    await tx.execute(sql`select pg_advisory_xact_lock(${PROJECTOR_LOCK})`);

    // 1. Who: contact ids, emails, names and anonymous ids of the person.
    const contactIds = new Set<string>();
    const emails = new Set<string>();
    if ('contactId' in subject) contactIds.add(subject.contactId);
    else {
      const email = subject.email.trim().toLowerCase();
      emails.add(email);
      const found = await rows<{ contact_id: string }>(
        tx,
        sql`select distinct entity_key as contact_id from events where type = 'lead.created' and lower(data->>'email') = ${email}
            union select contact_id from leads where lower(email) = ${email}`,
      );
      for (const row of found) contactIds.add(row.contact_id);
    }
    const names = new Set<string>();
    const anonymousIds = new Set<string>();
    if (contactIds.size > 0) {
      const leads = await rows<{ email: string | null; name: string | null; anonymous_id: string | null }>(
        tx,
        sql`select data->>'email' as email, data->>'name' as name, data->>'anonymousId' as anonymous_id
            from events where type = 'lead.created' and entity_key = any(${keyArray(contactIds)})
            union select null, null, anonymous_id from identity_links where contact_id = any(${keyArray(contactIds)})`,
      );
      for (const row of leads) {
        if (row.email?.trim()) emails.add(row.email.trim().toLowerCase());
        if (row.name?.trim()) names.add(row.name);
        if (row.anonymous_id) anonymousIds.add(row.anonymous_id);
      }
    }

    const pseudonyms: Pseudonyms = {
      contacts: new Map([...contactIds].map((id) => [id, pseudonym()])),
      anonymous: new Map([...anonymousIds].map((id) => [id, pseudonym()])),
    };
    const replacements: Replacements = {
      emails: [...emails],
      values: new Map<string, string>([
        ...pseudonyms.contacts,
        ...pseudonyms.anonymous,
        ...[...names].map((name): [string, string] => [name, ERASED]),
      ]),
    };

    // 2. The raw log.
    const affected = contactIds.size + anonymousIds.size + emails.size === 0 ? [] : await rows<LogRow>(
      tx,
      sql`select id as pk, tx, event_id, type, entity_key, occurred_at, received_at, data from events
          where data->>'contactId' = any(${keyArray(contactIds)})
             or data->>'anonymousId' = any(${keyArray(anonymousIds)})
             or (type = 'lead.created' and lower(data->>'email') = any(${keyArray(emails)}))
             or (type = 'opportunity.lost' and entity_key in (
                  select entity_key from events where type = 'opportunity.created' and data->>'contactId' = any(${keyArray(contactIds)})))
          order by tx, id`,
    );
    const rewritten = affected.map((row) => {
      const next = anonymiseEvent(row.type, row.data, row.entity_key, pseudonyms);
      return { ...row, data: next.data, entity_key: next.entityKey, event_id: redactText(row.event_id, replacements) };
    });
    if (rewritten.length > 0) {
      await tx.execute(sql`
        update events e set data = r.data, entity_key = r.entity_key, event_id = r.event_id
        from jsonb_to_recordset(${jsonParam(rewritten.map((r) => ({ pk: Number(r.pk), data: r.data, entity_key: r.entity_key, event_id: r.event_id })))})
          as r(pk bigint, data jsonb, entity_key text, event_id text)
        where e.id = r.pk`);
    }

    // 3. The read model: what the projector has applied of these rows is projected again.
    const state = await one<{ cursor_tx: string | number; cursor_id: string | number }>(
      tx,
      sql`select cursor_tx, cursor_id from projector_state where name = 'main'`,
    );
    const applied = rewritten.filter(
      (r) => Number(r.tx) < Number(state.cursor_tx) || (Number(r.tx) === Number(state.cursor_tx) && Number(r.pk) <= Number(state.cursor_id)),
    );
    const appliedPks = applied.map((r) => String(r.pk));
    const renamed = rewritten.flatMap((r, i) => (r.event_id === affected[i]!.event_id ? [] : [{ before: affected[i]!.event_id, next: r.event_id }]));
    await tx.execute(sql`delete from touches where event_pk = any(${keyArray(appliedPks)}::bigint[])`);
    await tx.execute(sql`delete from account_events where event_pk = any(${keyArray(appliedPks)}::bigint[])`);
    await tx.execute(sql`delete from identity_links where anonymous_id = any(${keyArray(anonymousIds)}) or contact_id = any(${keyArray(contactIds)})`);
    // Their journeys leave the rollups with their rows; the re-projection below adds the pseudonymised ones.
    if ((await rollupMode(tx)) === 'current') await takeOutJourneys(tx, contactIds);
    await tx.execute(sql`delete from leads where contact_id = any(${keyArray(contactIds)})`);
    if (renamed.length > 0) {
      await tx.execute(sql`
        update attribution_credits c set touch_ref = r.next
        from jsonb_to_recordset(${jsonParam(renamed)}) as r(before text, next text)
        where c.touch_ref = r.before`);
    }
    // The rewritten rows, read again from the log by the projection.
    if (applied.length > 0) await project(tx, { pks: applied.map((r) => Number(r.pk)) });

    // 4. The rejected log and the audit log: rows mentioning the person.
    const needles = [...emails, ...[...replacements.values.keys()].map((v) => JSON.stringify(v))];
    let rejected = 0;
    let auditEntries = 0;
    if (needles.length > 0) {
      const needleSet = keyArray(needles);
      const candidates = await rows<{ id: string | number; event_id: string | null; raw: unknown; raw_text: string | null; raw_body: Buffer | Uint8Array | null; errors: unknown }>(
        tx,
        sql`select id, event_id, raw, raw_text, raw_body, errors from rejected_events r
            where exists (select 1 from unnest(${needleSet}) n
              where strpos(lower(coalesce(r.raw::text, '') || coalesce(r.raw_text, '') || coalesce(r.event_id, '') || r.errors::text), lower(n)) > 0
                 or strpos(lower(encode(coalesce(r.raw_body, ''::bytea), 'escape')), lower(encode(convert_to(n, 'UTF8'), 'escape'))) > 0)`,
      );
      for (const row of candidates) {
        await tx.execute(sql`
          update rejected_events set
            event_id = ${row.event_id === null ? null : redactText(row.event_id, replacements)},
            raw = ${row.raw === null ? null : jsonParam(redactJson(row.raw, replacements))},
            raw_text = ${row.raw_text === null ? null : redactText(row.raw_text, replacements)},
            raw_body = ${row.raw_body === null ? null : redactBytes(Buffer.from(row.raw_body), replacements)},
            errors = ${jsonParam(redactJson(row.errors, replacements))}
          where id = ${Number(row.id)}`);
      }
      rejected = candidates.length;

      const entries = await rows<{ id: string | number; details: unknown; actor_email: string | null }>(
        tx,
        sql`select id, details, actor_email from audit_log a
            where exists (select 1 from unnest(${needleSet}) n where strpos(lower(a.details::text || coalesce(a.actor_email, '')), lower(n)) > 0)`,
      );
      for (const entry of entries) {
        await tx.execute(sql`
          update audit_log set details = ${jsonParam(redactJson(entry.details, replacements))},
            actor_email = ${entry.actor_email === null ? null : redactText(entry.actor_email, replacements)}
          where id = ${Number(entry.id)}`);
      }
      auditEntries = entries.length;
    }

    const outcome: ErasureResult = {
      contacts: contactIds.size,
      events: rewritten.length,
      rejected,
      auditEntries,
      pseudonyms: [...pseudonyms.contacts.values()],
    };
    await audit(tx, actor, 'privacy.erase', { by: 'contactId' in subject ? 'contactId' : 'email', ...context, ...outcome });
    return outcome;
  });
  return result;
}
