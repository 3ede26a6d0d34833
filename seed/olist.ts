// Imports the Olist marketing funnel data set (8,000 marketing-qualified leads, 842 closed deals)
// as the events its departments would have sent, through the ingestion code with one key per
// department. The mapping is described in docs/metrics.md ("Olist import").
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { apiKeys } from '~/server/db/schema';
import { createApiKey } from '~/server/ingest/apiKeys';
import type { Department } from '~/server/ingest/catalogue';
import { ingestEvents } from '~/server/ingest/ingest';
import { applyPending } from '~/server/projector/projector';

export const OLIST_LEADS_FILE = 'olist_marketing_qualified_leads_dataset.csv';
export const OLIST_DEALS_FILE = 'olist_closed_deals_dataset.csv';

export interface OlistLead {
  mqlId: string;
  firstContactDate: string;
  landingPageId: string;
  origin: string;
}

export interface OlistDeal {
  mqlId: string;
  sellerId: string;
  wonDate: string;
  businessSegment: string;
  leadType: string;
  declaredMonthlyRevenue: string;
}

export interface OlistSummary {
  leads: number;
  deals: number;
  events: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

interface WireEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** RFC 4180 rows: commas, double quotes around fields, "" for a quote inside one. */
export function parseCsv(text: string): string[][] {
  const result: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      result.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    result.push(row);
  }
  return result;
}

/** Rows as objects keyed by the header row. */
function readTable(file: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(readFileSync(file, 'utf8'));
  if (!header) throw new Error(`${file} is empty`);
  return body
    .filter((cells) => cells.length > 1 || (cells[0] ?? '') !== '')
    .map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

export function readOlist(dir: string): { leads: OlistLead[]; deals: OlistDeal[] } {
  const leads = readTable(path.join(dir, OLIST_LEADS_FILE)).map((r) => ({
    mqlId: r.mql_id ?? '',
    firstContactDate: r.first_contact_date ?? '',
    landingPageId: r.landing_page_id ?? '',
    origin: r.origin ?? '',
  }));
  const deals = readTable(path.join(dir, OLIST_DEALS_FILE)).map((r) => ({
    mqlId: r.mql_id ?? '',
    sellerId: r.seller_id ?? '',
    wonDate: r.won_date ?? '',
    businessSegment: r.business_segment ?? '',
    leadType: r.lead_type ?? '',
    declaredMonthlyRevenue: r.declared_monthly_revenue ?? '',
  }));
  return { leads, deals };
}

/** The deal amount: the declared monthly revenue (BRL) in cents; 0 when not declared. */
export function olistAmountCents(declaredMonthlyRevenue: string): number {
  const value = Number(declaredMonthlyRevenue);
  return Number.isFinite(value) && value > 0 ? Math.round(value * 100) : 0;
}

/** The deal type: lead_type, else business_segment, else 'unknown'. */
export function olistDealType(deal: Pick<OlistDeal, 'leadType' | 'businessSegment'>): string {
  return deal.leadType.trim() || deal.businessSegment.trim() || 'unknown';
}

/** '2018-02-26 19:58:54' (UTC) or '2018-02-26' -> ISO 8601 with Z. */
function utc(value: string): string {
  const trimmed = value.trim();
  return /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : `${trimmed.replace(' ', 'T')}Z`;
}

export function olistEvents(leads: OlistLead[], deals: OlistDeal[]): Record<'marketing' | 'sales', WireEvent[]> {
  const marketing: WireEvent[] = leads.map((lead) => ({
    id: `olist-lead-${lead.mqlId}`,
    type: 'lead.created',
    occurredAt: utc(lead.firstContactDate),
    data: {
      contactId: lead.mqlId,
      // An empty origin is sent without a source: the lead has no touch, so its source is 'unknown'.
      ...(lead.origin.trim() ? { source: lead.origin } : {}),
      ...(lead.landingPageId.trim() ? { campaignId: lead.landingPageId } : {}),
    },
  }));
  const sales: WireEvent[] = deals.flatMap((deal) => {
    const opportunityId = `olist-deal-${deal.mqlId}`;
    const at = utc(deal.wonDate);
    return [
      {
        id: `olist-opportunity-${deal.mqlId}`,
        type: 'opportunity.created',
        occurredAt: at,
        data: {
          opportunityId,
          accountId: deal.sellerId,
          contactId: deal.mqlId,
          amountCents: olistAmountCents(deal.declaredMonthlyRevenue),
          dealType: olistDealType(deal),
        },
      },
      { id: `olist-won-${deal.mqlId}`, type: 'opportunity.won', occurredAt: at, data: { opportunityId } },
    ];
  });
  return { marketing, sales };
}

/** The id of the department's Olist key, created on first use so that a second import is all duplicates. */
async function olistKey(db: Db, department: Department): Promise<number> {
  const name = `Olist ${department}`;
  const [existing] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.name, name), eq(apiKeys.department, department), isNull(apiKeys.revokedAt)))
    .orderBy(apiKeys.id)
    .limit(1);
  return existing?.id ?? (await createApiKey(db, { department, name })).id;
}

export async function importOlist(
  db: Db,
  dir = path.join(process.cwd(), '../shared/data/olist'),
  batchSize = 1000,
): Promise<OlistSummary> {
  const { leads, deals } = readOlist(dir);
  const events = olistEvents(leads, deals);
  const summary: OlistSummary = { leads: leads.length, deals: deals.length, events: 0, accepted: 0, duplicates: 0, rejected: 0 };
  // Leads first, then the deals that name them, as the two systems would have sent them.
  for (const department of ['marketing', 'sales'] as const) {
    const apiKeyId = await olistKey(db, department);
    const all = events[department];
    for (let start = 0; start < all.length; start += batchSize) {
      const batch = all.slice(start, start + batchSize);
      const result = await ingestEvents(db, { apiKeyId, department }, batch);
      summary.events += batch.length;
      summary.accepted += result.accepted;
      summary.duplicates += result.duplicates;
      summary.rejected += result.rejected.length;
    }
  }
  await applyPending(db, { chunkSize: 20_000 });
  return summary;
}
