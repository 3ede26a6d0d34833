// What the rows of an imported file are (leads, touches, opportunities, ...), the event fields each
// kind fills from columns, how a mapping names those columns, and suggestions from a header,
// including the headers HubSpot and Salesforce exports use.
import { z } from 'zod';
import type { Department, EventType } from '~/server/ingest/catalogue';
import { isTimeZone } from './values';

export type FieldType = 'key' | 'text' | 'date' | 'amount' | 'number' | 'choice';

export interface FieldSpec {
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  /** Headers that suggest this field, compared lower-cased without spaces and punctuation. */
  synonyms: readonly string[];
  help?: string;
}

export const kindNames = ['leads', 'touches', 'opportunities', 'outcomes', 'onboarding', 'tickets', 'spend', 'accountChanges'] as const;
export type Kind = (typeof kindNames)[number];
export const kind = z.enum(kindNames);

export interface KindSpec {
  label: string;
  department: Department;
  eventTypes: readonly EventType[];
  /** The field whose column identifies a row when the mapping names no key. */
  keyField: string;
  fields: readonly FieldSpec[];
}

const f = (name: string, label: string, type: FieldType, required: boolean, synonyms: string[], help?: string): FieldSpec => ({
  name,
  label,
  type,
  required,
  synonyms,
  ...(help ? { help } : {}),
});

const contactSynonyms = ['contactid', 'recordid', 'leadid', 'hubspotid', 'id', 'mqlid', 'associatedcontactids', 'associatedcontactid', 'contact'];
const accountSynonyms = ['accountid', 'companyid', 'associatedcompanyids', 'associatedcompanyid', 'associatedcompany', 'sellerid', 'account', 'accountname', 'companyname'];
const opportunitySynonyms = ['opportunityid', 'dealid', 'recordid', 'id', 'opportunity', 'mqlid'];

export const kinds: Record<Kind, KindSpec> = {
  leads: {
    label: 'Leads',
    department: 'marketing',
    eventTypes: ['lead.created'],
    keyField: 'contactId',
    fields: [
      f('contactId', 'Contact id', 'key', true, contactSynonyms),
      f('createdAt', 'Created at', 'date', true, ['createdate', 'createddate', 'created', 'createdat', 'firstcontactdate', 'becamealeaddate', 'date']),
      f('email', 'Email', 'text', false, ['email', 'emailaddress', 'email1']),
      f('name', 'Name', 'text', false, ['name', 'fullname', 'contactname', 'leadname']),
      f('company', 'Company', 'text', false, ['company', 'companyname', 'companyaccount', 'account', 'accountname']),
      f('source', 'Source', 'text', false, ['originalsource', 'leadsource', 'source', 'origin', 'latestsource']),
      f('campaignId', 'Campaign id', 'key', false, ['campaignid', 'campaign', 'landingpageid', 'firstcampaign', 'originalsourcedrilldown1']),
      f('accountId', 'Account id', 'key', false, ['accountid', 'associatedcompanyids', 'associatedcompanyid', 'companyid']),
    ],
  },
  touches: {
    label: 'Touches',
    department: 'marketing',
    eventTypes: ['touch'],
    keyField: 'touchId',
    fields: [
      f('touchId', 'Touch id', 'key', false, ['touchid', 'activityid', 'eventid', 'interactionid', 'id'], 'identifies a row; else give the mapping a key of several columns'),
      f('contactId', 'Contact id', 'key', false, ['contactid', 'recordid', 'leadid', 'associatedcontactids', 'contact']),
      f('anonymousId', 'Anonymous id', 'key', false, ['anonymousid', 'visitorid', 'cookieid', 'clientid']),
      f('at', 'Touched at', 'date', true, ['date', 'timestamp', 'touchedat', 'occurredat', 'activitydate', 'createdate', 'createddate']),
      f('channel', 'Channel', 'text', true, ['channel', 'source', 'medium', 'utmmedium', 'originalsource']),
      f('touchType', 'Touch type', 'text', true, ['touchtype', 'type', 'activitytype', 'eventtype', 'interactiontype']),
      f('campaignId', 'Campaign id', 'key', false, ['campaignid', 'campaign', 'utmcampaign']),
      f('url', 'URL', 'text', false, ['url', 'pageurl', 'landingpage']),
    ],
  },
  opportunities: {
    label: 'Opportunities',
    department: 'sales',
    eventTypes: ['opportunity.created'],
    keyField: 'opportunityId',
    fields: [
      f('opportunityId', 'Opportunity id', 'key', true, opportunitySynonyms),
      f('createdAt', 'Created at', 'date', true, ['createdate', 'createddate', 'created', 'createdat', 'date']),
      f('accountId', 'Account id', 'key', true, accountSynonyms),
      f('contactId', 'Contact id', 'key', false, ['contactid', 'associatedcontactids', 'associatedcontactid', 'primarycontactid', 'contact', 'mqlid']),
      f('amount', 'Amount', 'amount', true, ['amount', 'dealamount', 'value', 'amountcompanycurrency', 'totalcontractvalue', 'declaredmonthlyrevenue']),
      f('dealType', 'Deal type', 'text', true, ['dealtype', 'type', 'opportunitytype', 'pipeline', 'leadtype']),
      f('stage', 'Stage', 'text', false, ['dealstage', 'stage', 'stagename']),
    ],
  },
  outcomes: {
    label: 'Won / lost deals',
    department: 'sales',
    eventTypes: ['opportunity.won', 'opportunity.lost'],
    keyField: 'opportunityId',
    fields: [
      f('opportunityId', 'Opportunity id', 'key', true, opportunitySynonyms),
      f('closedAt', 'Closed at', 'date', true, ['closedate', 'closeddate', 'closedat', 'wondate', 'date']),
      f('outcome', 'Outcome', 'choice', true, ['dealstage', 'stage', 'stagename', 'outcome', 'status', 'won', 'iswon'], 'a value with "won" (or true, yes, 1) is a win, with "lost" a loss; other rows are skipped'),
      f('amount', 'Amount won', 'amount', false, ['amount', 'dealamount', 'value', 'amountcompanycurrency']),
      f('reason', 'Lost reason', 'text', false, ['closedlostreason', 'lossreason', 'lostreason', 'reason']),
    ],
  },
  onboarding: {
    label: 'Onboarding',
    department: 'operations',
    eventTypes: ['onboarding.started', 'onboarding.completed'],
    keyField: 'opportunityId',
    fields: [
      f('opportunityId', 'Opportunity id', 'key', true, opportunitySynonyms),
      f('accountId', 'Account id', 'key', false, accountSynonyms),
      f('startedAt', 'Started at', 'date', true, ['startedat', 'startdate', 'kickoffdate', 'onboardingstart', 'started']),
      f('completedAt', 'Completed at', 'date', false, ['completedat', 'completeddate', 'golivedate', 'enddate', 'completed', 'finishedat']),
    ],
  },
  tickets: {
    label: 'Tickets',
    department: 'service',
    eventTypes: ['ticket.opened', 'ticket.resolved'],
    keyField: 'ticketId',
    fields: [
      f('ticketId', 'Ticket id', 'key', true, ['ticketid', 'casenumber', 'caseid', 'id', 'recordid', 'ticket']),
      f('accountId', 'Account id', 'key', true, accountSynonyms),
      f('contactId', 'Contact id', 'key', false, ['contactid', 'requesterid', 'contact', 'associatedcontactids']),
      f('openedAt', 'Opened at', 'date', true, ['openedat', 'createdate', 'createddate', 'dateopened', 'opened', 'created']),
      f('resolvedAt', 'Resolved at', 'date', false, ['resolvedat', 'closedate', 'closeddate', 'dateclosed', 'resolved', 'solvedat']),
      f('category', 'Category', 'text', false, ['category', 'type', 'casetype', 'ticketcategory', 'reason']),
      f('priority', 'Priority', 'text', false, ['priority', 'ticketpriority']),
      f('csat', 'CSAT (1-5)', 'number', false, ['csat', 'satisfaction', 'satisfactionrating', 'rating', 'score']),
    ],
  },
  spend: {
    label: 'Campaign spend',
    department: 'marketing',
    eventTypes: ['campaign.spend'],
    keyField: 'campaignId',
    fields: [
      f('campaignId', 'Campaign id', 'key', true, ['campaignid', 'campaign', 'campaignname']),
      f('date', 'Day', 'date', true, ['date', 'day', 'reportingstarts', 'spenddate']),
      f('amount', 'Amount spent', 'amount', true, ['amount', 'spend', 'cost', 'amountspent', 'amountspenteur', 'amountspentusd']),
    ],
  },
  accountChanges: {
    label: 'Renewals, expansions and churn',
    department: 'operations',
    eventTypes: ['account.renewed', 'account.expanded', 'account.churned'],
    keyField: 'changeId',
    fields: [
      f('changeId', 'Row id', 'key', false, ['id', 'changeid', 'recordid', 'opportunityid'], 'identifies a row; else give the mapping a key of several columns'),
      f('accountId', 'Account id', 'key', true, accountSynonyms),
      f('at', 'Date', 'date', true, ['date', 'closedate', 'effectivedate', 'renewaldate', 'churndate', 'occurredat']),
      f('change', 'Change', 'choice', true, ['change', 'type', 'event', 'kind', 'dealtype'], 'renewal, expansion (upsell, upgrade) or churn (cancel)'),
      f('amount', 'Amount', 'amount', false, ['amount', 'arr', 'mrr', 'value']),
      f('reason', 'Churn reason', 'text', false, ['reason', 'churnreason']),
    ],
  },
};

/** A field's source: one column, the first non-empty of several, and a value when all are empty. */
export interface FieldSource {
  columns: string[];
  default?: string;
}

const column = z.string().min(1, 'must name a column').max(500);
const fieldSourceInput = z.union([
  column.transform((c): FieldSource => ({ columns: [c] })),
  z.array(column).min(1).transform((columns): FieldSource => ({ columns })),
  z
    .object({ columns: z.array(column).default([]), default: z.string().max(2000).optional() })
    .refine((s) => s.columns.length > 0 || s.default !== undefined, 'needs columns or a default'),
]);

export const mappingSchema = z.object({
  /** Columns whose values together identify a row; the event ids derive from them. */
  key: z.union([column.transform((c) => [c]), z.array(column).min(1)]).optional(),
  fields: z.record(z.string(), fieldSourceInput),
  timeZone: z
    .string()
    .default('UTC')
    .refine((tz) => isTimeZone(tz), 'must be a time zone such as Europe/Berlin or UTC'),
  dateOrder: z.enum(['dmy', 'mdy']).default('dmy'),
  decimalMark: z.enum(['.', ',']).optional(),
  delimiter: z.enum([',', ';', '\t']).optional(),
  encoding: z.enum(['utf-8', 'windows-1252']).optional(),
});
export type MappingInput = z.input<typeof mappingSchema>;
export type Mapping = z.output<typeof mappingSchema>;

export interface MappingIssue {
  path: string;
  message: string;
}

/** The issues of a mapping for a kind and a header: unknown fields or columns, missing required fields. */
export function checkMapping(kindName: Kind, mapping: Mapping, header: readonly string[]): MappingIssue[] {
  const spec = kinds[kindName];
  const issues: MappingIssue[] = [];
  const known = new Set(header);
  for (const [name, source] of Object.entries(mapping.fields)) {
    if (!spec.fields.some((field) => field.name === name)) {
      issues.push({ path: `fields.${name}`, message: `is not a field of ${spec.label.toLowerCase()}; fields: ${spec.fields.map((x) => x.name).join(', ')}` });
      continue;
    }
    for (const c of source.columns) if (!known.has(c)) issues.push({ path: `fields.${name}`, message: `names the column '${c}', which the file does not have` });
  }
  for (const field of spec.fields) {
    if (field.required && !mapping.fields[field.name]) issues.push({ path: `fields.${field.name}`, message: 'is required' });
  }
  if (kindName === 'touches' && !mapping.fields.contactId && !mapping.fields.anonymousId) {
    issues.push({ path: 'fields.contactId', message: 'contactId or anonymousId is required' });
  }
  const key = keyColumns(kindName, mapping);
  if (key.length === 0) issues.push({ path: 'key', message: `is required: name the columns that identify a row, or map ${spec.keyField}` });
  for (const c of key) if (!known.has(c)) issues.push({ path: 'key', message: `names the column '${c}', which the file does not have` });
  return issues;
}

/** The key columns of a mapping: its own, else the columns of the kind's key field. */
export function keyColumns(kindName: Kind, mapping: Mapping): string[] {
  return mapping.key ?? mapping.fields[kinds[kindName].keyField]?.columns ?? [];
}

export const normaliseHeader = (header: string): string => header.toLowerCase().replace(/[^a-z0-9äöüéèàç]/g, '');

export type Preset = 'hubspot' | 'salesforce' | null;

/** Which CRM's export a header looks like. */
export function detectPreset(header: readonly string[]): Preset {
  const names = new Set(header.map(normaliseHeader));
  if (names.has('recordid') || names.has('createdate') || names.has('originalsource') || names.has('dealstage')) return 'hubspot';
  if (names.has('createddate') || names.has('opportunityid') || names.has('stage') || names.has('leadsource') || names.has('accountid18')) return 'salesforce';
  return null;
}

/** Headers each CRM's export uses for a kind's fields, tried before the general synonyms. */
const presets: Record<'hubspot' | 'salesforce', Partial<Record<Kind, Record<string, string[]>>>> = {
  hubspot: {
    leads: { contactId: ['recordid', 'contactid'], createdAt: ['createdate'], source: ['originalsource'], company: ['companyname'], accountId: ['associatedcompanyids', 'associatedcompanyid'] },
    opportunities: { opportunityId: ['recordid', 'dealid'], createdAt: ['createdate'], accountId: ['associatedcompanyids', 'associatedcompanyid', 'associatedcompany'], contactId: ['associatedcontactids', 'associatedcontactid'], amount: ['amount'], dealType: ['dealtype', 'pipeline'], stage: ['dealstage'] },
    outcomes: { opportunityId: ['recordid', 'dealid'], closedAt: ['closedate'], outcome: ['dealstage'], amount: ['amount'], reason: ['closedlostreason'] },
    tickets: { ticketId: ['ticketid', 'recordid'], openedAt: ['createdate'], resolvedAt: ['closedate'], priority: ['priority'], category: ['category'], accountId: ['associatedcompanyids', 'associatedcompany'] },
  },
  salesforce: {
    leads: { contactId: ['leadid', 'contactid'], createdAt: ['createddate'], source: ['leadsource'], company: ['companyaccount', 'company'], accountId: ['accountid'] },
    opportunities: { opportunityId: ['opportunityid'], createdAt: ['createddate'], accountId: ['accountid', 'accountname'], contactId: ['contactid'], amount: ['amount'], dealType: ['type'], stage: ['stage'] },
    outcomes: { opportunityId: ['opportunityid'], closedAt: ['closedate'], outcome: ['stage', 'won'], amount: ['amount'], reason: ['lossreason', 'closedlostreason'] },
    tickets: { ticketId: ['casenumber', 'caseid'], openedAt: ['dateopened', 'createddate'], resolvedAt: ['dateclosed', 'closeddate'], category: ['type', 'casereason'], priority: ['priority'], accountId: ['accountid', 'accountname'] },
  },
};

/** A mapping suggested by a header: each field to the first column whose name matches, preset first. */
export function suggestMapping(kindName: Kind, header: readonly string[]): { preset: Preset; fields: Record<string, FieldSource> } {
  const preset = detectPreset(header);
  const byName = new Map<string, string>();
  for (const h of header) if (!byName.has(normaliseHeader(h))) byName.set(normaliseHeader(h), h);
  const fields: Record<string, FieldSource> = {};
  const used = new Set<string>();
  for (const field of kinds[kindName].fields) {
    const candidates = [...((preset && presets[preset][kindName]?.[field.name]) ?? []), ...field.synonyms];
    // A column goes to one field, except the ids a lead and its deal share.
    const match = candidates.map((c) => byName.get(c)).find((h) => h !== undefined && (!used.has(h) || field.type === 'key'));
    if (match === undefined) continue;
    fields[field.name] = { columns: [match] };
    used.add(match);
  }
  return { preset, fields };
}
