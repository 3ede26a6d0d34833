import { describe, expect, it } from 'vitest';
import { anonymiseEvent, redactBytes, redactJson, redactText, type Replacements } from './redact';

const r: Replacements = { emails: ['ada@example.org'], values: new Map([['c-17', 'erased-1'], ['Ada Lovelace', 'erased']]) };
const names = { contacts: new Map([['c-17', 'erased-1']]), anonymous: new Map([['anon-9', 'erased-2']]) };

describe('anonymiseEvent', () => {
  it('drops email and name of a lead and renames its ids and entity key', () => {
    const out = anonymiseEvent('lead.created', { contactId: 'c-17', email: 'a@b', name: 'Ada', company: 'AE', anonymousId: 'anon-9' }, 'c-17', names);
    expect(out).toEqual({ data: { contactId: 'erased-1', company: 'AE', anonymousId: 'erased-2' }, entityKey: 'erased-1' });
  });
  it('keys an anonymous touch by its new anonymous id and drops its URL', () => {
    expect(anonymiseEvent('touch', { anonymousId: 'anon-9', channel: 'ads', touchType: 'click', url: 'https://x/?e=a' }, 'anon-9', names)).toEqual({
      data: { anonymousId: 'erased-2', channel: 'ads', touchType: 'click' },
      entityKey: 'erased-2',
    });
  });
  it('renames only the shared anonymous id in another contact\'s lead', () => {
    expect(anonymiseEvent('lead.created', { contactId: 'c-99', email: 'x@y', name: 'Other', anonymousId: 'anon-9' }, 'c-99', names)).toEqual({
      data: { contactId: 'c-99', email: 'x@y', name: 'Other', anonymousId: 'erased-2' },
      entityKey: 'c-99',
    });
  });
  it('keeps a required disqualification reason valid and an opportunity keyed by itself', () => {
    expect(anonymiseEvent('lead.disqualified', { contactId: 'c-17', reason: 'told me about her illness' }, 'c-17', names).data).toEqual({ contactId: 'erased-1', reason: 'erased' });
    expect(anonymiseEvent('opportunity.created', { opportunityId: 'o-1', contactId: 'c-17', amountCents: 5 }, 'o-1', names)).toEqual({
      data: { opportunityId: 'o-1', contactId: 'erased-1', amountCents: 5 },
      entityKey: 'o-1',
    });
  });
});

describe('redaction of rows already known to be the person', () => {
  it('replaces emails whatever their case, and values wherever they occur', () => {
    expect(redactText('{"id":"lead-c-17","email":"ADA@Example.org","name":"Ada Lovelace"}', r)).toBe('{"id":"lead-erased-1","email":"erased","name":"erased"}');
    expect(redactJson({ 'ada@example.org': ['c-17', 3, null] }, r)).toEqual({ erased: ['erased-1', 3, null] });
  });
  it('keeps every other byte of a body exactly, invalid UTF-8 included', () => {
    const body = Buffer.concat([Buffer.from('\xff\x00', 'latin1'), Buffer.from('"Ada@example.org" — c-17 ', 'utf8'), Buffer.from([0xc3])]);
    const out = redactBytes(body, r);
    expect(out.equals(Buffer.concat([Buffer.from('\xff\x00', 'latin1'), Buffer.from('"erased" — erased-1 ', 'utf8'), Buffer.from([0xc3])]))).toBe(true);
  });
});
