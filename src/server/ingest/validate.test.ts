import { describe, expect, it } from 'vitest';
import { validateEvent } from './validate';

const at = '2026-03-02T10:00:00Z';

describe('validateEvent', () => {
  it('accepts a known event and normalises channels', () => {
    const result = validateEvent(
      { id: 'e1', type: 'touch', occurredAt: at, data: { anonymousId: 'a1', channel: ' Paid_Search ', touchType: 'ad_click' } },
      'marketing',
    );
    expect(result).toEqual({
      ok: true,
      event: {
        id: 'e1',
        type: 'touch',
        occurredAt: new Date(at),
        data: { anonymousId: 'a1', channel: 'paid_search', touchType: 'ad_click' },
      },
    });
  });

  it('names every missing field by its path', () => {
    const result = validateEvent({ id: 'e2', type: 'opportunity.created', occurredAt: at, data: { opportunityId: 'o1' } }, 'sales');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(422);
    expect(result.errors.map((e) => e.path).sort()).toEqual(['data.accountId', 'data.amountCents', 'data.dealType']);
  });

  it('requires a contactId or an anonymousId on a touch', () => {
    const result = validateEvent({ id: 'e3', type: 'touch', occurredAt: at, data: { channel: 'email', touchType: 'open' } }, 'marketing');
    expect(result).toMatchObject({ ok: false, status: 422, errors: [{ path: 'data.contactId', message: 'contactId or anonymousId is required' }] });
  });

  it('refuses another department’s event type with 403', () => {
    const result = validateEvent({ id: 'e4', type: 'lead.qualified', occurredAt: at, data: { contactId: 'c1' } }, 'marketing');
    expect(result).toMatchObject({ ok: false, status: 403, id: 'e4', errors: [{ path: 'type' }] });
  });

  it('rejects unknown types, bad dates, a reason-less disqualification and csat out of range', () => {
    expect(validateEvent({ id: 'x', type: 'lead.vanished', occurredAt: at, data: {} }, 'sales')).toMatchObject({
      ok: false,
      status: 422,
      errors: [{ path: 'type' }],
    });
    expect(validateEvent({ id: 'x', type: 'lead.qualified', occurredAt: '2026-03-02', data: { contactId: 'c' } }, 'sales')).toMatchObject({
      ok: false,
      errors: [{ path: 'occurredAt' }],
    });
    expect(validateEvent({ id: 'x', type: 'lead.disqualified', occurredAt: at, data: { contactId: 'c' } }, 'sales')).toMatchObject({
      ok: false,
      errors: [{ path: 'data.reason' }],
    });
    expect(validateEvent({ id: 'x', type: 'ticket.resolved', occurredAt: at, data: { ticketId: 't', csat: 6 } }, 'service')).toMatchObject({
      ok: false,
      errors: [{ path: 'data.csat', message: 'must be from 1 to 5' }],
    });
    expect(validateEvent({ id: 'x', type: 'capacity.set', occurredAt: at, data: { week: '2025-W53', slots: 3 } }, 'operations')).toMatchObject({
      ok: false,
      errors: [{ path: 'data.week' }],
    });
  });

  it('rejects an event that is not an object', () => {
    expect(validateEvent('hello', 'sales')).toMatchObject({ ok: false, status: 422, errors: [{ path: '(event)' }] });
    expect(validateEvent({ type: 'touch' }, 'marketing')).toMatchObject({ ok: false, status: 422 });
  });
});
