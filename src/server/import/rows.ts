// One row of an imported file into the events it stands for, or into the reasons it cannot be:
// each reason names the row, the column and the value.
import { createHash } from 'node:crypto';
import type { EventType } from '~/server/ingest/catalogue';
import { validateEvent } from '~/server/ingest/validate';
import { keyColumns, kinds, type FieldSource, type FieldSpec, type Kind, type Mapping } from './kinds';
import { calendarDay, parseAmountCents, parseDate, parseWholeNumber, type Parsed } from './values';

export interface WireEvent {
  id: string;
  type: EventType;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface RowError {
  /** The record's number in the file, the header being 1 (the spreadsheet row when no cell spans lines). */
  row: number;
  /** The column the value came from; a field name in parentheses when the mapping gave a constant. */
  column: string;
  value: string;
  message: string;
}

export interface RowResult {
  events: WireEvent[];
  errors: RowError[];
  /** The row stands for no event (a deal neither won nor lost, an empty row). */
  skipped: boolean;
}

export type RowMapper = (cells: readonly string[], row: number) => RowResult;

/** The longest key kept as it is in an event id; longer keys are hashed. */
const MAX_KEY_IN_ID = 150;

/** The event id of a row's event: the kind, the row's key and, for kinds with two events, which. */
export function eventId(kindName: Kind, key: string, suffix?: string): string {
  const k = key.length > MAX_KEY_IN_ID ? `sha1:${createHash('sha1').update(key).digest('hex')}` : key;
  return suffix ? `import:${kindName}:${k}:${suffix}` : `import:${kindName}:${k}`;
}

/** won / lost / null (neither: open, or not said) from a stage or outcome cell. */
export function classifyOutcome(value: string): 'won' | 'lost' | null {
  const v = value.trim().toLowerCase();
  if (/won|gewonnen|gagn/.test(v) || ['true', 'yes', 'ja', 'oui', 'y', '1', 'win'].includes(v)) return 'won';
  if (/lost|verloren|perdu/.test(v) || v === 'loss') return 'lost';
  return null;
}

/** The account event a change cell names. */
export function classifyChange(value: string): 'account.renewed' | 'account.expanded' | 'account.churned' | null {
  const v = value.trim().toLowerCase();
  if (/renew|verläng/.test(v)) return 'account.renewed';
  if (/expan|upsell|upgrade|cross/.test(v)) return 'account.expanded';
  if (/churn|cancel|kündig/.test(v)) return 'account.churned';
  return null;
}

interface Resolved {
  spec: FieldSpec;
  indexes: number[];
  source: FieldSource;
}

/** Prepares the mapping for a header once; the returned function maps one row. */
export function rowMapper(kindName: Kind, mapping: Mapping, header: readonly string[]): RowMapper {
  const spec = kinds[kindName];
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!index.has(h)) index.set(h, i);
  });
  const resolved = new Map<string, Resolved>();
  for (const field of spec.fields) {
    const source = mapping.fields[field.name];
    if (source) resolved.set(field.name, { spec: field, source, indexes: source.columns.map((c) => index.get(c) ?? -1) });
  }
  const keyIndexes = keyColumns(kindName, mapping).map((c) => index.get(c) ?? -1);
  const keyLabel = keyColumns(kindName, mapping).join(' + ');
  const options = { timeZone: mapping.timeZone, order: mapping.dateOrder };

  return (cells, row) => {
    const errors: RowError[] = [];
    const columnOf = new Map<string, string>();

    /** The first non-empty cell of a field's columns, else its default; with the column it came from. */
    function raw(name: string): { value: string; column: string } | undefined {
      const r = resolved.get(name);
      if (!r) return undefined;
      for (let i = 0; i < r.indexes.length; i++) {
        const cell = cells[r.indexes[i]!];
        if (cell !== undefined && cell.trim() !== '') return { value: cell.trim(), column: r.source.columns[i]! };
      }
      return r.source.default !== undefined ? { value: r.source.default, column: `(${name})` } : undefined;
    }

    function read<T>(name: string, parse: (value: string) => Parsed<T>): T | undefined {
      const cell = raw(name);
      const field = resolved.get(name)?.spec;
      if (!cell) {
        if (field?.required) errors.push({ row, column: columnLabel(name), value: '', message: 'is empty' });
        return undefined;
      }
      columnOf.set(name, cell.column);
      const parsed = parse(cell.value);
      if (parsed.ok) return parsed.value;
      errors.push({ row, column: cell.column, value: cell.value, message: parsed.message });
      return undefined;
    }

    function columnLabel(name: string): string {
      return columnOf.get(name) ?? resolved.get(name)?.source.columns.join(' / ') ?? `(${name})`;
    }

    const text = (name: string) => read(name, (value) => ({ ok: true, value }));
    const date = (name: string) => read(name, (value) => parseDate(value, options));
    const amount = (name: string) => read(name, (value) => parseAmountCents(value, mapping.decimalMark));
    const whole = (name: string) => read(name, parseWholeNumber);

    if (cells.every((c) => c.trim() === '')) return { events: [], errors: [], skipped: true };
    const keyParts = keyIndexes.map((i) => (cells[i] ?? '').trim());
    if (keyParts.every((p) => p === '')) {
      return { events: [], errors: [{ row, column: keyLabel, value: '', message: 'is empty: the row has no key' }], skipped: false };
    }
    const key = keyParts.join('|');
    const events: WireEvent[] = [];
    const emit = (type: EventType, at: Date | undefined, data: Record<string, unknown>, suffix?: string) => {
      if (at === undefined) return;
      const clean = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
      events.push({ id: eventId(kindName, key, suffix), type, occurredAt: at.toISOString(), data: clean });
    };

    let skipped = false;
    switch (kindName) {
      case 'leads': {
        const data = { contactId: text('contactId'), accountId: text('accountId'), email: text('email'), name: text('name'), company: text('company'), source: text('source'), campaignId: text('campaignId') };
        emit('lead.created', date('createdAt'), data);
        break;
      }
      case 'touches': {
        const data = { contactId: text('contactId'), anonymousId: text('anonymousId'), channel: text('channel'), touchType: text('touchType'), campaignId: text('campaignId'), url: text('url') };
        emit('touch', date('at'), data);
        break;
      }
      case 'opportunities': {
        const data = { opportunityId: text('opportunityId'), accountId: text('accountId'), contactId: text('contactId'), amountCents: amount('amount'), dealType: text('dealType'), stage: text('stage') };
        emit('opportunity.created', date('createdAt'), data);
        break;
      }
      case 'outcomes': {
        const outcome = text('outcome');
        const which = outcome === undefined ? null : classifyOutcome(outcome);
        if (which === null) {
          skipped = errors.length === 0;
          break;
        }
        const opportunityId = text('opportunityId');
        const at = date('closedAt');
        if (which === 'won') emit('opportunity.won', at, { opportunityId, amountCents: amount('amount') });
        else emit('opportunity.lost', at, { opportunityId, reason: text('reason') });
        break;
      }
      case 'onboarding': {
        const data = { opportunityId: text('opportunityId'), accountId: text('accountId') };
        emit('onboarding.started', date('startedAt'), data, 'started');
        emit('onboarding.completed', date('completedAt'), data, 'completed');
        break;
      }
      case 'tickets': {
        const ticketId = text('ticketId');
        const opened = { ticketId, accountId: text('accountId'), contactId: text('contactId'), category: text('category'), priority: text('priority') };
        emit('ticket.opened', date('openedAt'), opened, 'opened');
        emit('ticket.resolved', date('resolvedAt'), { ticketId, csat: whole('csat') }, 'resolved');
        break;
      }
      case 'spend': {
        const at = date('date');
        emit('campaign.spend', at, { campaignId: text('campaignId'), amountCents: amount('amount'), date: at && calendarDay(at, mapping.timeZone) });
        break;
      }
      case 'accountChanges': {
        const change = text('change');
        const type = change === undefined ? null : classifyChange(change);
        if (change !== undefined && type === null) {
          errors.push({ row, column: columnLabel('change'), value: change, message: 'is not a renewal, an expansion or a churn' });
        }
        const accountId = text('accountId');
        const at = date('at');
        if (type === 'account.churned') emit(type, at, { accountId, reason: text('reason') });
        else if (type) emit(type, at, { accountId, amountCents: amount('amount') });
        break;
      }
    }
    if (errors.length > 0) return { events: [], errors, skipped: false };

    // What the ingestion path would reject, said by column before anything is sent.
    for (const event of events) {
      const check = validateEvent(event, spec.department);
      if (check.ok) continue;
      for (const e of check.errors) {
        const field = e.path.replace(/^data\./, '').split('.')[0]!;
        const name = field === 'amountCents' ? 'amount' : field === 'date' ? 'date' : field;
        const cell = raw(name);
        errors.push({ row, column: cell?.column ?? columnLabel(name), value: cell?.value ?? '', message: e.message });
      }
    }
    return errors.length > 0 ? { events: [], errors, skipped: false } : { events, errors, skipped };
  };
}
