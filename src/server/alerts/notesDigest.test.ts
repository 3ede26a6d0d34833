import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestUser } from '~/server/api/testing';
import type { SessionUser } from '~/server/auth/users';
import { rows, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { seedEvents } from '~/server/ingest/seedEvents';
import { createKpiTarget } from '~/server/kpiTargets';
import { deliverDue } from './delivery';
import { queueDigests } from './digest';
import { createNote, inbox, markNotesRead, notesAbout, notesOfAccount, unreadNotes } from './notes';
import { createAlertRule } from './rules';
import { mailText, startSmtpSink, startWebhookReceiver, type SmtpSink, type WebhookReceiver } from './testReceivers';

let handle: DbHandle;
let smtp: SmtpSink;
let hook: WebhookReceiver;
let sales: SessionUser;
let service: SessionUser;
let marketing: SessionUser;
let targetId: number;
const now = new Date('2026-02-15T00:00:00Z');


beforeAll(async () => {
  handle = await createTestDb();
  [smtp, hook] = await Promise.all([startSmtpSink(), startWebhookReceiver()]);
  sales = await createTestUser(handle.db, { role: 'sales', email: 'sales@revenue.test', name: 'Sam Sales' });
  service = await createTestUser(handle.db, { role: 'service', email: 'service@revenue.test', name: 'Sue Service' });
  marketing = await createTestUser(handle.db, { role: 'marketing', email: 'marketing@revenue.test', name: 'Max Marketing' });
  await seedEvents(handle.db, [['lead.created', '2026-02-01T00:00:00Z', { contactId: 'c1', source: 'webinar' }]]);
  // A1: a deal of $120.00 won Feb 5, a second deal still open, a ticket still open.
  await seedEvents(handle.db, [
    ['lead.followed_up', '2026-02-01T01:00:00Z', { contactId: 'c1', activity: 'call' }],
    ['opportunity.created', '2026-02-02T00:00:00Z', { opportunityId: 'O1', accountId: 'A1', contactId: 'c1', amountCents: 12000, dealType: 'new_business' }],
    ['opportunity.won', '2026-02-05T00:00:00Z', { opportunityId: 'O1', amountCents: 12000 }],
    ['opportunity.created', '2026-02-10T00:00:00Z', { opportunityId: 'O2', accountId: 'A1', contactId: 'c1', amountCents: 5000, dealType: 'upsell' }],
  ]);
  await seedEvents(handle.db, [['onboarding.started', '2026-02-06T00:00:00Z', { opportunityId: 'O1' }]]);
  await seedEvents(handle.db, [['ticket.opened', '2026-02-14T12:00:00Z', { ticketId: 'T1', accountId: 'A1' }]]);
  const target = await createKpiTarget(
    handle.db,
    { name: 'February revenue', metric: 'won_revenue', periodKind: 'month', periodStart: '2026-02-01', targetValue: 30000, accountable: 'sales', informed: ['service'] },
    null,
  );
  targetId = target.id;
  await createAlertRule(handle.db, { name: 'Notes to marketing', department: 'marketing', kind: 'notes', params: {}, channels: [{ type: 'webhook', url: hook.url, secret: 'a-shared-secret-of-32-characters' }] }, null);
});

afterAll(async () => {
  await Promise.all([smtp.close(), hook.close()]);
  await handle.close();
});

describe('notes between departments', () => {
  it('a note addressed to marketing rises its bell, goes to its channels and is audited', async () => {
    expect(await unreadNotes(handle.db, marketing)).toBe(0);
    const { note, queued } = await createNote(handle.db, sales, {
      subjectKind: 'handoff_item',
      subjectId: 'c1',
      accountId: 'A1',
      toDepartment: 'marketing',
      body: 'Why did this lead come without a phone number?',
    });
    expect(queued).toBe(1);
    expect(note).toMatchObject({ authorId: sales.id, authorName: 'Sam Sales', authorDepartment: 'sales', toDepartment: 'marketing' });
    expect(await unreadNotes(handle.db, marketing)).toBe(1);
    expect(await unreadNotes(handle.db, sales)).toBe(0);
    expect((await inbox(handle.db, marketing)).map((n) => [n.body, n.unread])).toEqual([['Why did this lead come without a phone number?', true]]);
    await markNotesRead(handle.db, marketing);
    expect(await unreadNotes(handle.db, marketing)).toBe(0);

    const [audited] = await rows<{ actor_id: number; action: string }>(handle.db, sql`select actor_id, action from audit_log where action = 'note.create'`);
    expect(audited).toEqual({ actor_id: sales.id, action: 'note.create' });
    expect(await deliverDue(handle.db, { smtp: null })).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(JSON.parse(hook.calls[0]!.body)).toMatchObject({ kind: 'note', title: 'Note from sales on handoff item c1', department: 'marketing' });
  });

  it('shows notes on their subject and on the account timeline', async () => {
    await createNote(handle.db, marketing, { subjectKind: 'kpi_target', subjectId: String(targetId), toDepartment: 'sales', body: 'Webinar leads arrive next week.' });
    expect((await notesAbout(handle.db, 'kpi_target', String(targetId))).map((n) => n.body)).toEqual(['Webinar leads arrive next week.']);
    expect((await notesOfAccount(handle.db, 'A1')).map((n) => n.subjectId)).toEqual(['c1']);
  });

  it('refuses an empty note with its field', async () => {
    await expect(createNote(handle.db, sales, { subjectKind: 'account', subjectId: 'A1', toDepartment: 'service', body: '  ' })).rejects.toThrow(/must not be empty/);
  });
});

describe('digests', () => {
  it('mails each department user their targets, black holes and neighbours, money masked for service', async () => {
    const queued = await queueDigests(handle.db, now, { userIds: [sales.id, service.id] });
    expect(queued).toBe(2);
    // Once per user and week.
    expect(await queueDigests(handle.db, now, { userIds: [sales.id, service.id] })).toBe(0);
    const config = { host: smtp.host, port: smtp.port, secure: false, from: 'alerts@revenue.test' };
    expect(await deliverDue(handle.db, { now, smtp: config })).toEqual({ delivered: 2, retrying: 0, failed: 0 });
    const mailTo = (address: string) => smtp.mails.find((m) => m.to.includes(address))!;

    const salesMail = mailText(mailTo('sales@revenue.test').raw);
    expect(mailTo('sales@revenue.test').subject).toBe('Weekly digest for sales, 2026-W07');
    // $120.00 won by 14 of 28 days runs to $240.00 of $300.00: 80%, off track.
    expect(salesMail).toContain('February revenue: off track; $120.00 so far, projected $240.00 of $300.00 (accountable: sales)');
    expect(salesMail).toContain('Webinar leads arrive next week.');
    expect(salesMail).toContain('Accounts with open tickets and open deals (1)');
    expect(salesMail).toContain('A1: 1 open tickets, 1 open deals, lifetime value $120.00');

    const serviceMail = mailText(mailTo('service@revenue.test').raw);
    expect(serviceMail).toContain('February revenue: off track; masked so far, projected masked of masked (accountable: sales)');
    expect(serviceMail).toContain('A1: 1 open tickets, 1 open deals, lifetime value masked');
    expect(serviceMail).not.toContain('$120.00');
    // T1 opened Feb 14 12:00 is within its 48 h SLA on Feb 15.
    expect(serviceMail).toContain('ticketResolution: 0 past the 48 h SLA');
  });

  it('a daily digest is its own period: queued again the next day, not twice the same day', async () => {
    expect(await queueDigests(handle.db, now, { frequency: 'daily', userIds: [marketing.id] })).toBe(1);
    expect(await queueDigests(handle.db, new Date('2026-02-15T18:00:00Z'), { frequency: 'daily', userIds: [marketing.id] })).toBe(0);
    expect(await queueDigests(handle.db, new Date('2026-02-16T06:00:00Z'), { frequency: 'daily', userIds: [marketing.id] })).toBe(1);
    const config = { host: smtp.host, port: smtp.port, secure: false, from: 'alerts@revenue.test' };
    expect(await deliverDue(handle.db, { now: new Date('2026-02-16T06:00:00Z'), smtp: config })).toEqual({ delivered: 2, retrying: 0, failed: 0 });
    const subjects = smtp.mails.filter((m) => m.to.includes('marketing@revenue.test')).map((m) => m.subject);
    expect(subjects).toEqual(['Daily digest for marketing, 2026-02-15', 'Daily digest for marketing, 2026-02-16']);
    // Marketing's neighbour figure: the lead quality sales gives it (c1 reached qualification with its deal).
    const daily = mailText(smtp.mails.find((m) => m.subject === 'Daily digest for marketing, 2026-02-15')!.raw);
    expect(daily).toContain('webinar: 1 of 1 qualified (100%)');
    expect(daily).toContain('KPI targets\r\n  none this period');
  });
});
