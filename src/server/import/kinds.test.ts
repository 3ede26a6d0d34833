import { describe, expect, it } from 'vitest';
import { checkMapping, detectPreset, mappingSchema, suggestMapping } from './kinds';
import { classifyChange, classifyOutcome, eventId, rowMapper } from './rows';

const hubspotContacts = ['Record ID', 'First Name', 'Last Name', 'Email', 'Create Date', 'Original Source', 'Company Name', 'Associated Company IDs'];
const hubspotDeals = ['Record ID', 'Deal Name', 'Deal Stage', 'Amount', 'Close Date', 'Create Date', 'Pipeline', 'Associated Company IDs', 'Associated Contact IDs'];
const salesforce = ['Opportunity ID', 'Opportunity Name', 'Account ID', 'Account Name', 'Stage', 'Amount', 'Close Date', 'Created Date', 'Type', 'Lead Source'];
const columnsOf = (fields: Record<string, { columns: string[] }>) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.columns[0]]));

describe('suggestMapping', () => {
  it('maps HubSpot contact and deal exports', () => {
    expect(detectPreset(hubspotContacts)).toBe('hubspot');
    expect(columnsOf(suggestMapping('leads', hubspotContacts).fields)).toEqual({
      contactId: 'Record ID',
      createdAt: 'Create Date',
      email: 'Email',
      company: 'Company Name',
      source: 'Original Source',
      accountId: 'Associated Company IDs',
    });
    expect(columnsOf(suggestMapping('outcomes', hubspotDeals).fields)).toEqual({
      opportunityId: 'Record ID',
      closedAt: 'Close Date',
      outcome: 'Deal Stage',
      amount: 'Amount',
    });
    expect(columnsOf(suggestMapping('opportunities', hubspotDeals).fields)).toMatchObject({
      opportunityId: 'Record ID',
      createdAt: 'Create Date',
      accountId: 'Associated Company IDs',
      contactId: 'Associated Contact IDs',
      dealType: 'Pipeline',
      stage: 'Deal Stage',
    });
  });

  it('maps Salesforce opportunity reports', () => {
    expect(detectPreset(salesforce)).toBe('salesforce');
    expect(columnsOf(suggestMapping('opportunities', salesforce).fields)).toEqual({
      opportunityId: 'Opportunity ID',
      createdAt: 'Created Date',
      accountId: 'Account ID',
      amount: 'Amount',
      dealType: 'Type',
      stage: 'Stage',
    });
    expect(detectPreset(['a', 'b'])).toBeNull();
  });
});

describe('checkMapping', () => {
  it('names unknown fields and columns and missing required fields', () => {
    const mapping = mappingSchema.parse({ fields: { contactId: 'Record ID', createdAt: 'Created', colour: 'Email' } });
    expect(checkMapping('leads', mapping, hubspotContacts)).toEqual([
      { path: 'fields.createdAt', message: "names the column 'Created', which the file does not have" },
      { path: 'fields.colour', message: expect.stringMatching(/^is not a field of leads/) },
    ]);
    const empty = mappingSchema.parse({ fields: {} });
    expect(checkMapping('opportunities', empty, salesforce).map((i) => i.path)).toEqual([
      'fields.opportunityId',
      'fields.createdAt',
      'fields.accountId',
      'fields.amount',
      'fields.dealType',
      'key',
    ]);
    expect(mappingSchema.safeParse({ fields: {}, timeZone: 'Mars/Olympus' }).success).toBe(false);
  });
});

describe('rowMapper', () => {
  it('turns a ticket row into its opened and resolved events with ids from the key', () => {
    const mapping = mappingSchema.parse({
      fields: { ticketId: 'Case', accountId: 'Account', openedAt: 'Opened', resolvedAt: 'Closed', csat: 'CSAT', priority: { columns: ['Prio'], default: 'normal' } },
      timeZone: 'Europe/Berlin',
      dateOrder: 'dmy',
    });
    const map = rowMapper('tickets', mapping, ['Case', 'Account', 'Opened', 'Closed', 'CSAT', 'Prio']);
    expect(map(['T-1', 'A-1', '01.03.2024 10:00', '02.03.2024', '5', ''], 2)).toEqual({
      events: [
        { id: 'import:tickets:T-1:opened', type: 'ticket.opened', occurredAt: '2024-03-01T09:00:00.000Z', data: { ticketId: 'T-1', accountId: 'A-1', priority: 'normal' } },
        { id: 'import:tickets:T-1:resolved', type: 'ticket.resolved', occurredAt: '2024-03-01T23:00:00.000Z', data: { ticketId: 'T-1', csat: 5 } },
      ],
      errors: [],
      skipped: false,
    });
    // an open ticket has one event; a CSAT of 7 is named by its column with the catalogue's reason
    expect(map(['T-2', 'A-1', '01.03.2024', '', '', 'high'], 3).events.map((e) => e.type)).toEqual(['ticket.opened']);
    expect(map(['T-3', 'A-1', '01.03.2024', '02.03.2024', '7', ''], 4).errors).toEqual([{ row: 4, column: 'CSAT', value: '7', message: 'must be from 1 to 5' }]);
  });

  it('lists every bad cell of a row and sends none of its events', () => {
    const mapping = mappingSchema.parse({ fields: { campaignId: 'Campaign', date: 'Day', amount: 'Cost' }, key: ['Campaign', 'Day'], decimalMark: ',' });
    const map = rowMapper('spend', mapping, ['Campaign', 'Day', 'Cost']);
    expect(map(['spring', '2024-03-05', '1.234,5'], 2).events).toEqual([
      { id: 'import:spend:spring|2024-03-05', type: 'campaign.spend', occurredAt: '2024-03-05T00:00:00.000Z', data: { campaignId: 'spring', amountCents: 123450, date: '2024-03-05' } },
    ]);
    expect(map(['spring', 'later', 'lots'], 3)).toEqual({
      events: [],
      errors: [
        { row: 3, column: 'Day', value: 'later', message: expect.stringMatching(/not a date/) },
        { row: 3, column: 'Cost', value: 'lots', message: 'is not an amount' },
      ],
      skipped: false,
    });
    expect(map(['spring', '2024-03-05', '-5'], 4).errors).toEqual([{ row: 4, column: 'Cost', value: '-5', message: 'must not be negative' }]);
  });

  it('maps touches, onboarding and account changes', () => {
    const touches = rowMapper('touches', mappingSchema.parse({ key: ['Visitor', 'When'], fields: { anonymousId: 'Visitor', at: 'When', channel: 'Medium', touchType: { default: 'visit' } } }), ['Visitor', 'When', 'Medium']);
    expect(touches(['v-1', '2024-05-01 10:00', 'Paid Social'], 2).events).toEqual([
      { id: 'import:touches:v-1|2024-05-01 10:00', type: 'touch', occurredAt: '2024-05-01T10:00:00.000Z', data: { anonymousId: 'v-1', channel: 'Paid Social', touchType: 'visit' } },
    ]);

    const onboarding = rowMapper('onboarding', mappingSchema.parse({ fields: { opportunityId: 'Deal', startedAt: 'Kickoff', completedAt: 'Go-live' } }), ['Deal', 'Kickoff', 'Go-live']);
    expect(onboarding(['D-1', '2024-05-01', '2024-05-20'], 2).events.map((e) => [e.id, e.type])).toEqual([
      ['import:onboarding:D-1:started', 'onboarding.started'],
      ['import:onboarding:D-1:completed', 'onboarding.completed'],
    ]);

    const changes = rowMapper('accountChanges', mappingSchema.parse({ key: ['Account', 'Date'], fields: { accountId: 'Account', at: 'Date', change: 'Type', amount: 'ARR' } }), ['Account', 'Date', 'Type', 'ARR']);
    expect(changes(['A-1', '2024-06-30', 'Renewal', '12.000,00'], 2).events).toEqual([
      { id: 'import:accountChanges:A-1|2024-06-30', type: 'account.renewed', occurredAt: '2024-06-30T00:00:00.000Z', data: { accountId: 'A-1', amountCents: 1200000 } },
    ]);
    expect(changes(['A-1', '2024-07-31', 'Churn', ''], 3).events.map((e) => e.type)).toEqual(['account.churned']);
    expect(changes(['A-2', '2024-07-31', 'Pause', ''], 4).errors).toEqual([{ row: 4, column: 'Type', value: 'Pause', message: 'is not a renewal, an expansion or a churn' }]);
    // a renewal needs its amount: the catalogue's reason, named by the column
    expect(changes(['A-3', '2024-07-31', 'Upsell', ''], 5).errors).toEqual([{ row: 5, column: 'ARR', value: '', message: 'must be a whole number of cents' }]);
  });

  it('classifies outcomes and account changes', () => {
    expect(['Closed Won', 'closedwon', 'TRUE', 'Closed Lost', 'closedlost', 'Negotiation', ''].map(classifyOutcome)).toEqual(['won', 'won', 'won', 'lost', 'lost', null, null]);
    expect(['Renewal', 'Upsell', 'Churned', 'Cancelled', 'other'].map(classifyChange)).toEqual([
      'account.renewed',
      'account.expanded',
      'account.churned',
      'account.churned',
      null,
    ]);
    expect(eventId('leads', 'x'.repeat(151))).toMatch(/^import:leads:sha1:[0-9a-f]{40}$/);
  });
});
