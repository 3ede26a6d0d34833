// Imports hand-made files in the shapes HubSpot and Salesforce export, and checks counts worked
// out by hand from the files (see the comments beside each file's rows in the expectations).
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type DbHandle } from '~/server/db/client';
import { imports } from '~/server/db/schema';
import { createTestDb } from '~/server/db/testing';
import type { Kind, MappingInput } from './kinds';
import { cancelImport, createImport, importErrorPage, importSender, previewImport, runImport, type ImportRow } from './run';

const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

async function importFile(name: string, kind: Kind, mapping: MappingInput, batchRows?: number): Promise<ImportRow> {
  const created = await createImport(handle.db, { file: fixture(name), kind, mapping, who: 'test' });
  return runImport(handle.db, created.id, { batchRows });
}

const counts = (row: ImportRow) => ({
  rowsDone: row.rowsDone,
  events: row.events,
  accepted: row.accepted,
  duplicates: row.duplicates,
  invalidRows: row.invalidRows,
  skippedRows: row.skippedRows,
});

async function errorsOf(importId: number) {
  return (await importErrorPage(handle.db, importId, 0, 100)).map(({ row, column, value, message }) => ({ row, column, value, message }));
}

const contactsMapping: MappingInput = {
  fields: { contactId: 'Record ID', createdAt: 'Create Date', email: 'Email', company: 'Company Name', source: 'Original Source', accountId: 'Associated Company IDs' },
  timeZone: 'Europe/Berlin',
};
const dealsMapping: MappingInput = {
  fields: {
    opportunityId: 'Record ID',
    createdAt: 'Create Date',
    accountId: 'Associated Company IDs',
    contactId: 'Associated Contact IDs',
    amount: { columns: ['Amount'], default: '0' },
    dealType: 'Pipeline',
    stage: 'Deal Stage',
  },
};
const outcomesMapping: MappingInput = { fields: { opportunityId: 'Record ID', closedAt: 'Close Date', outcome: 'Deal Stage', amount: 'Amount' } };
const salesforceMapping: MappingInput = {
  fields: { opportunityId: 'Opportunity ID', createdAt: 'Created Date', accountId: 'Account ID', amount: 'Amount', dealType: 'Type', stage: 'Stage' },
  timeZone: 'Europe/Berlin',
};

describe('HubSpot contacts (BOM, CRLF, a quoted cell with a comma, quotes and a line break, empty cells, a duplicate)', () => {
  let first: ImportRow;
  beforeAll(async () => {
    first = await importFile('hubspot-contacts.csv', 'leads', contactsMapping);
  });

  it('imports the valid rows, counts the duplicate and lists the invalid rows by row and column', async () => {
    // rows 2-9 (row 3 spans two lines): 101, 102, 103, 105 new; row 7 repeats 101; rows 5 (date)
    // and 6 (no id) invalid; row 9 is all empty
    expect(first.status).toBe('done');
    expect(counts(first)).toEqual({ rowsDone: 8, events: 5, accepted: 4, duplicates: 1, invalidRows: 2, skippedRows: 1 });
    expect(await errorsOf(first.id)).toEqual([
      { row: 5, column: 'Create Date', value: 'soon', message: expect.stringMatching(/not a date/) },
      { row: 6, column: 'Record ID', value: '', message: 'is empty: the row has no key' },
    ]);
  });

  it('stores the leads with their fields, times read in the chosen zone', async () => {
    const leads = await rows<{ event_id: string; occurred_at: Date | string; data: Record<string, string> }>(
      handle.db,
      sql`select event_id, occurred_at, data from events where type = 'lead.created' order by event_id`,
    );
    expect(leads.map((l) => [l.event_id, new Date(l.occurred_at).toISOString()])).toEqual([
      ['import:leads:101', '2024-01-15T08:30:00.000Z'],
      ['import:leads:102', '2024-01-16T13:05:00.000Z'],
      ['import:leads:103', '2024-01-16T23:00:00.000Z'],
      ['import:leads:105', '2024-02-01T07:00:00.000Z'],
    ]);
    expect(leads[1]!.data).toEqual({ contactId: '102', email: 'grace@example.com', company: 'Navy "Labs"\r\nArlington', source: 'paid search', accountId: '9002' });
    expect(leads[2]!.data).toEqual({ contactId: '103', source: 'direct traffic' });
  });

  it('adds nothing on a second import of the same file', async () => {
    const again = await importFile('hubspot-contacts.csv', 'leads', contactsMapping);
    expect(counts(again)).toEqual({ rowsDone: 8, events: 5, accepted: 0, duplicates: 5, invalidRows: 2, skippedRows: 1 });
  });
});

describe('HubSpot deals as opportunities and as won/lost', () => {
  it('creates the opportunities, an empty amount taking the mapping default', async () => {
    // 5001 ("12,500.00"), 5002, 5003 (no amount: 0) in; 5004 ("n/a") invalid
    const result = await importFile('hubspot-deals.csv', 'opportunities', dealsMapping);
    expect(counts(result)).toEqual({ rowsDone: 4, events: 3, accepted: 3, duplicates: 0, invalidRows: 1, skippedRows: 0 });
    expect(await errorsOf(result.id)).toEqual([{ row: 5, column: 'Amount', value: 'n/a', message: 'is not an amount' }]);
    const amounts = await rows<{ id: string; amount: string }>(handle.db, sql`select data->>'opportunityId' as id, data->>'amountCents' as amount from events where type = 'opportunity.created' order by 1`);
    expect(amounts).toEqual([
      { id: '5001', amount: '1250000' },
      { id: '5002', amount: '300000' },
      { id: '5003', amount: '0' },
    ]);
  });

  it('sends a win and a loss, skips the open deal', async () => {
    const result = await importFile('hubspot-deals.csv', 'outcomes', outcomesMapping);
    expect(counts(result)).toEqual({ rowsDone: 4, events: 2, accepted: 2, duplicates: 0, invalidRows: 1, skippedRows: 1 });
    const outcomes = await rows<{ type: string; event_id: string }>(handle.db, sql`select type, event_id from events where type in ('opportunity.won', 'opportunity.lost') order by event_id`);
    expect(outcomes).toEqual([
      { type: 'opportunity.won', event_id: 'import:outcomes:5001' },
      { type: 'opportunity.lost', event_id: 'import:outcomes:5002' },
    ]);
  });
});

describe('Salesforce report (Windows-1252, semicolons, day-first dates, European decimals)', () => {
  it('previews the first rows as events, decoded and parsed, without writing', async () => {
    const before = await rows<{ n: number }>(handle.db, sql`select count(*)::int as n from events`);
    const preview = await previewImport(fixture('salesforce-opportunities.csv'), 'opportunities', salesforceMapping);
    expect(preview.header[0]).toBe('Opportunity ID');
    expect(preview.rows).toHaveLength(5);
    expect(preview.rows[2]!.cells[1]).toBe('Zoë €-Deal');
    expect(preview.rows[1]!.cells[1]).toBe('Café; Bäckerei');
    expect(preview.rows[0]!.events).toEqual([
      {
        id: 'import:opportunities:0065g00000AAA1',
        type: 'opportunity.created',
        occurredAt: '2024-01-31T23:00:00.000Z',
        data: { opportunityId: '0065g00000AAA1', accountId: '0015g000001', amountCents: 123456, dealType: 'New Business', stage: 'Closed Won' },
      },
    ]);
    expect(preview.rows[4]!.errors.map((e) => [e.row, e.column, e.message])).toEqual([
      [6, 'Account ID', 'is empty'],
      [6, 'Created Date', 'is not a valid date'],
    ]);
    expect(await rows<{ n: number }>(handle.db, sql`select count(*)::int as n from events`)).toEqual(before);
  });

  it('imports in batches, stops when asked and resumes from the last committed row', async () => {
    const created = await createImport(handle.db, { file: fixture('salesforce-opportunities.csv'), kind: 'opportunities', mapping: salesforceMapping, who: 'test' });
    const stopped = await runImport(handle.db, created.id, { batchRows: 2, shouldStop: () => true });
    // rows 2 and 3 committed
    expect([stopped.status, stopped.rowsDone, stopped.accepted]).toEqual(['cancelled', 2, 2]);
    const done = await runImport(handle.db, created.id, { batchRows: 2 });
    // AAA3 new, row 5 repeats AAA1, row 6 invalid (no account, 31 February)
    expect(done.status).toBe('done');
    expect(counts(done)).toEqual({ rowsDone: 5, events: 4, accepted: 3, duplicates: 1, invalidRows: 1, skippedRows: 0 });
    expect((await errorsOf(done.id)).map((e) => e.row)).toEqual([6, 6]);
  });

  it('takes wins and losses from the stage, open stages skipped', async () => {
    const result = await importFile('salesforce-opportunities.csv', 'outcomes', {
      fields: { opportunityId: 'Opportunity ID', closedAt: 'Close Date', outcome: 'Stage', amount: 'Amount' },
    });
    // AAA1 won, AAA2 lost, AAA3 and AAA4 open, row 5 repeats AAA1
    expect(counts(result)).toEqual({ rowsDone: 5, events: 3, accepted: 2, duplicates: 1, invalidRows: 0, skippedRows: 2 });
    const won = await rows<{ data: Record<string, unknown> }>(handle.db, sql`select data from events where event_id = 'import:outcomes:0065g00000AAA1'`);
    expect(won[0]!.data).toEqual({ opportunityId: '0065g00000AAA1', amountCents: 123456 });
  });
});

describe('one runner at a time', () => {
  it('refuses to run an import another process holds, and resumes one whose process is gone', async () => {
    const created = await createImport(handle.db, { file: fixture('hubspot-deals.csv'), kind: 'outcomes', mapping: outcomesMapping, who: 'test' });
    // a new import waits for its first runner: running, not interrupted
    expect([created.status, created.runner, created.leaseUntil! > new Date()]).toEqual(['running', null, true]);
    await handle.db.update(imports).set({ runner: 'elsewhere', leaseUntil: new Date(Date.now() + 60_000) }).where(eq(imports.id, created.id));
    await expect(runImport(handle.db, created.id)).rejects.toThrow(`Import ${created.id} is running in another process.`);
    // the other process stopped renewing its lease: the import was interrupted and can be taken over
    await handle.db.update(imports).set({ leaseUntil: new Date(Date.now() - 1000) }).where(eq(imports.id, created.id));
    const done = await runImport(handle.db, created.id);
    expect([done.status, done.runner, done.leaseUntil, done.rowsDone]).toEqual(['done', null, null, 4]);
  });

  it('stops after the batch when a stop is asked through the table', async () => {
    const created = await createImport(handle.db, { file: fixture('salesforce-opportunities.csv'), kind: 'outcomes', mapping: { fields: { opportunityId: 'Opportunity ID', closedAt: 'Close Date', outcome: 'Stage' } }, who: 'test' });
    const stopped = await runImport(handle.db, created.id, {
      batchRows: 1,
      onProgress: () => void cancelImport(handle.db, created.id),
    });
    expect(stopped.status).toBe('cancelled');
    expect(stopped.rowsDone).toBeLessThan(5);
  });
});

describe('import senders and refusals', () => {
  it('uses one Import key per department', async () => {
    const a = await importSender(handle.db, 'sales');
    const b = await importSender(handle.db, 'sales');
    const c = await importSender(handle.db, 'marketing');
    expect(a).toEqual(b);
    expect(c.apiKeyId).not.toBe(a.apiKeyId);
  });

  it('refuses a mapping that names columns the file does not have, saying which', async () => {
    await expect(createImport(handle.db, { file: fixture('hubspot-deals.csv'), kind: 'leads', mapping: { fields: { contactId: 'Contact', createdAt: 'Create Date' } }, who: 'test' })).rejects.toMatchObject({
      issues: [{ path: 'fields.contactId', message: "names the column 'Contact', which the file does not have" }, { path: 'key', message: "names the column 'Contact', which the file does not have" }],
    });
  });
});
