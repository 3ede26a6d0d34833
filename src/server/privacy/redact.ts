// Pure rewriting of what one person left behind: event data anonymised field by field, and
// arbitrary text, bytes and JSON (the rejected log, audit details) with the person's values
// replaced. Emails match whatever their case. Rows are picked by whole values (a JSON string
// "c-17" never matches "c-170"); within a row picked, every occurrence is replaced.
import type { EventType } from '~/server/ingest/catalogue';

export const ERASED = 'erased';

/** What to replace: emails anywhere, and whole JSON string values. */
export interface Replacements {
  /** lower-cased emails, replaced by ERASED wherever they occur */
  emails: readonly string[];
  /** string values (contact ids, anonymous ids, names) and what each becomes */
  values: ReadonlyMap<string, string>;
}

/** Contact and anonymous ids and their pseudonyms, for rewriting the log. */
export interface Pseudonyms {
  contacts: ReadonlyMap<string, string>;
  anonymous: ReadonlyMap<string, string>;
}

const contactKeyed = new Set<string>(['lead.created', 'lead.followed_up', 'lead.qualified', 'lead.disqualified']);

/**
 * The event's data with the person removed: ids replaced by their pseudonyms, email and name
 * dropped, free text dropped (a required reason becomes ERASED so that the event still
 * validates), and its new entity key.
 */
export function anonymiseEvent(
  type: EventType | string,
  data: Record<string, unknown>,
  entityKey: string,
  names: Pseudonyms,
): { data: Record<string, unknown>; entityKey: string } {
  const out: Record<string, unknown> = { ...data };
  const contact = typeof data.contactId === 'string' ? names.contacts.get(data.contactId) : undefined;
  const anonymous = typeof data.anonymousId === 'string' ? names.anonymous.get(data.anonymousId) : undefined;
  if (contact !== undefined) out.contactId = contact;
  if (anonymous !== undefined) out.anonymousId = anonymous;
  // Another contact's event that shares one of the person's anonymous ids (a shared browser) only
  // has that id renamed; it keeps its own email, name and text.
  const persons = contact !== undefined || (typeof data.contactId !== 'string' && anonymous !== undefined) || type === 'opportunity.lost';
  if (!persons) return { data: out, entityKey: type === 'touch' ? ((out.contactId as string | undefined) ?? entityKey) : entityKey };
  switch (type) {
    case 'lead.created':
      delete out.email;
      delete out.name;
      break;
    case 'touch':
      delete out.url;
      break;
    case 'lead.qualified':
    case 'opportunity.lost':
      delete out.reason;
      break;
    case 'lead.disqualified':
      out.reason = ERASED;
      break;
    default:
      break;
  }
  let key = entityKey;
  if (contactKeyed.has(type) && contact !== undefined) key = contact;
  if (type === 'touch') key = (out.contactId as string | undefined) ?? (out.anonymousId as string | undefined) ?? entityKey;
  return { data: out, entityKey: key };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** ASCII letters match either case; everything else as it is. */
function caseless(text: string): string {
  return [...text].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : escapeRegExp(ch))).join('');
}

/** Values longest first, so that a value inside another is never replaced first. */
function ordered(r: Replacements): [string, string][] {
  return [...r.values].filter(([value]) => value.length > 0).sort((a, b) => b[0].length - a[0].length);
}

/**
 * Text of a row already known to be the person's (a rejected event, an audit entry, an event
 * id): every email, whatever its case, and every value wherever it occurs.
 */
export function redactText(text: string, r: Replacements): string {
  let out = text;
  for (const email of r.emails) if (email) out = out.replace(new RegExp(caseless(email), 'g'), ERASED);
  for (const [value, replacement] of ordered(r)) out = out.split(value).join(replacement);
  return out;
}

/** Any JSON value with every string (keys too) redacted. */
export function redactJson(value: unknown, r: Replacements): unknown {
  if (typeof value === 'string') return redactText(value, r);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, r));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k, r), redactJson(v, r)]));
  }
  return value;
}

/**
 * Bytes as sent (any encoding, possibly invalid UTF-8) with every email and value replaced,
 * matching their UTF-8 bytes; all other bytes are kept exactly.
 */
export function redactBytes(bytes: Buffer, r: Replacements): Buffer {
  // latin1 maps each byte to one code unit and back, so the text below is the bytes, one to one.
  const asLatin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  let out = bytes.toString('latin1');
  for (const email of r.emails) if (email) out = out.replace(new RegExp(caseless(asLatin1(email)), 'g'), ERASED);
  for (const [value, replacement] of ordered(r)) out = out.split(asLatin1(value)).join(asLatin1(replacement));
  return Buffer.from(out, 'latin1');
}
