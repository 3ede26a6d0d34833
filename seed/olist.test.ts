// Imports the real Olist files and checks the funnel and lead-to-close figures against totals
// counted here, straight from the CSV files, with a reader of this test's own.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { median } from '~/lib/stats';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { funnel } from '~/server/metrics/funnel';
import { leadToCloseBySource, leadToCloseTotal } from '~/server/metrics/sources';
import { importOlist, type OlistSummary } from './olist';

const dir = path.join(process.cwd(), '../shared/data/olist');

/** Splits a CSV file into rows keyed by the header; enough for these two files (quotes, no newlines in fields). */
function readCsv(file: string): Record<string, string>[] {
  const splitLine = (line: string) => {
    const cells: string[] = [];
    let cell = '';
    let inQuotes = false;
    for (const ch of line) {
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === ',' && !inQuotes) {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    cells.push(cell);
    return cells;
  };
  const [header, ...lines] = readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l.length > 0);
  const names = splitLine(header!);
  return lines.map((line) => {
    const cells = splitLine(line);
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

interface Expected {
  leads: number;
  won: number;
  revenueCents: number;
  days: number[];
}

const mqls = readCsv('olist_marketing_qualified_leads_dataset.csv');
const deals = readCsv('olist_closed_deals_dataset.csv');
const dealOf = new Map(deals.map((d) => [d.mql_id!, d]));

/** Inquiry: first contact, or the win when it came earlier (reach times never decrease). */
function inquiryOf(mql: Record<string, string>): number {
  const contact = Date.parse(`${mql.first_contact_date}T00:00:00Z`);
  const deal = dealOf.get(mql.mql_id!);
  return deal ? Math.min(contact, Date.parse(`${deal.won_date!.replace(' ', 'T')}Z`)) : contact;
}

function expectedBySource(from: string, to: string): Map<string, Expected> {
  const bySource = new Map<string, Expected>();
  for (const mql of mqls) {
    const inquiry = inquiryOf(mql);
    if (inquiry < Date.parse(`${from}T00:00:00Z`) || inquiry >= Date.parse(`${to}T00:00:00Z`)) continue;
    const source = mql.origin || 'unknown';
    const entry = bySource.get(source) ?? { leads: 0, won: 0, revenueCents: 0, days: [] };
    entry.leads += 1;
    const deal = dealOf.get(mql.mql_id!);
    if (deal) {
      entry.won += 1;
      const revenue = Number(deal.declared_monthly_revenue || 0);
      entry.revenueCents += revenue > 0 ? Math.round(revenue * 100) : 0;
      // Durations in whole minutes, seconds dropped (docs/metrics.md, Velocity).
      entry.days.push(Math.floor((Date.parse(`${deal.won_date!.replace(' ', 'T')}Z`) - inquiry) / 60_000) / 1440);
    }
    bySource.set(source, entry);
  }
  return bySource;
}

let handle: DbHandle;
let first: OlistSummary;
beforeAll(async () => {
  handle = await createTestDb();
  first = await importOlist(handle.db, dir);
}, 300_000);
afterAll(() => handle.close());

const everything = { from: '2017-01-01', to: '2019-01-01' };

describe('Olist import', () => {
  it('reads both files whole and sends every event', () => {
    expect(mqls.length).toBe(8000);
    expect(deals.length).toBe(842);
    expect(first).toEqual({ leads: 8000, deals: 842, events: 8000 + 2 * 842, accepted: 9684, duplicates: 0, rejected: 0 });
  });

  it('gives the funnel 8,000 inquiries and 842 conversions', async () => {
    const report = await funnel(handle.db, { range: everything });
    expect(report.stages.map((s) => s.journeys).slice(0, 4)).toEqual([8000, 8000, deals.length, deals.length]);
  });

  it('matches leads, wins, revenue and days to close per origin', async () => {
    const expected = expectedBySource(everything.from, everything.to);
    const rows = await leadToCloseBySource(handle.db, { range: everything });
    const actual = new Map(rows.map((r) => [r.source, r]));
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [source, want] of expected) {
      const got = actual.get(source)!;
      expect([source, got.leads, got.won, got.wonRevenueCents]).toEqual([source, want.leads, want.won, want.revenueCents]);
      const days = median(want.days);
      if (days === null) expect(got.medianDaysToConversion).toBeNull();
      else expect(got.medianDaysToConversion).toBeCloseTo(days, 6);
    }
    // the empty origins (60) join the literal 'unknown' ones (1099)
    expect(actual.get('unknown')?.leads).toBe(1159);
  });

  it('matches a one-month cohort, the early win included', async () => {
    const expected = expectedBySource('2018-03-01', '2018-04-01');
    const rows = await leadToCloseBySource(handle.db, { range: { from: '2018-03-01', to: '2018-04-01' } });
    expect(Object.fromEntries(rows.map((r) => [r.source, [r.leads, r.won]]))).toEqual(
      Object.fromEntries([...expected].map(([source, e]) => [source, [e.leads, e.won]])),
    );
    const total = await leadToCloseTotal(handle.db, { range: { from: '2018-03-01', to: '2018-04-01' } });
    expect(total.leads).toBe([...expected.values()].reduce((sum, e) => sum + e.leads, 0));
    // the deal won two days before its first contact converts at its inquiry: 0 days, never negative
    const lateContact = mqls.find((m) => m.mql_id === 'b91cf8812365f50ff4bda4bcd6206b05')!;
    expect(inquiryOf(lateContact)).toBe(Date.parse('2018-03-06T19:38:55Z'));
  });

  it('is idempotent: a second import is all duplicates', async () => {
    const again = await importOlist(handle.db, dir);
    expect([again.accepted, again.duplicates, again.rejected]).toEqual([0, 9684, 0]);
    const report = await funnel(handle.db, { range: everything });
    expect(report.stages[1]?.journeys).toBe(8000);
  }, 300_000);
});
