// Hostile ingestion traffic, for the property test and `npm run bench:hostile`: batches that mix
// valid events with every kind of input that once broke a whole batch (NUL, unpaired surrogates,
// deep nesting, instants outside Postgres's range, over-long keys, letters that grow when
// lower-cased) and random JSON. Bodies are built as text, so they can hold what JSON.stringify
// would never write.
import fc from 'fast-check';
import type { Department } from './catalogue';

export interface HostileBatch {
  department: Department;
  /** the request body as sent */
  body: string;
  /** how many items its events array holds */
  events: number;
}

const NUL = '\\u0000';
const LONE_HIGH = '\\ud800';
const LONE_LOW = '\\udc00';

/** A JSON string literal whose content is `content` written as JSON text (escapes kept as given). */
const quoted = (content: string) => `"${content}"`;

const hostileString = fc.constantFrom(
  quoted(`C:${NUL}`),
  quoted(NUL),
  quoted(`x${LONE_HIGH}`),
  quoted(`${LONE_LOW}y`),
  quoted(`\\\\u0000`), // the six characters \u0000, which a naive escape turned into NUL
  quoted('İ'.repeat(200)),
  quoted('公司'.repeat(1000)),
  quoted('a'.repeat(5000)),
  quoted('ok'),
);

const hostileInstant = fc.constantFrom(
  '0001-01-01T00:00:00+00:30',
  '9999-12-31T20:00:00-05:00',
  '0000-06-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-01-05T10:00:00Z',
  '2026-01-06T10:00:00+02:00',
);

const contact = fc.constantFrom('h1', 'h2', 'h3');
let serial = 0;
const nextId = () => `hostile-${process.pid}-${++serial}`;

/** A valid marketing event, so batches mix good and bad. */
const validMarketing = fc
  .record({ contactId: contact, channel: fc.constantFrom('email', 'Paid_Search'), day: fc.integer({ min: 1, max: 20 }), kind: fc.constantFrom('touch', 'lead') })
  .map(({ contactId, channel, day, kind }) => {
    const occurredAt = new Date(Date.UTC(2026, 0, day, 9)).toISOString();
    return kind === 'touch'
      ? JSON.stringify({ id: nextId(), type: 'touch', occurredAt, data: { contactId, channel, touchType: 'click' } })
      : JSON.stringify({ id: nextId(), type: 'lead.created', occurredAt, data: { contactId, source: channel, company: `Co ${contactId}` } });
  });

const fieldNames = ['id', 'type', 'occurredAt', 'contactId', 'company', 'channel', 'accountId', 'campaignId', 'email', 'source'] as const;

/** A lead.created or touch with one hostile value put in one field. */
const poisoned = fc.record({ field: fc.constantFrom(...fieldNames), value: hostileString, instant: hostileInstant, contactId: contact }).map(
  ({ field, value, instant, contactId }) => {
    const id = field === 'id' ? value : quoted(nextId());
    const type = field === 'type' ? value : quoted(field === 'channel' ? 'touch' : 'lead.created');
    const occurredAt = field === 'occurredAt' ? quoted(instant) : quoted('2026-01-03T08:00:00Z');
    const data: string[] = [`"contactId":${field === 'contactId' ? value : quoted(contactId)}`];
    if (field === 'channel') data.push(`"channel":${value}`, '"touchType":"click"');
    else if (field !== 'id' && field !== 'type' && field !== 'occurredAt' && field !== 'contactId') data.push(`"${field}":${value}`);
    return `{"id":${id},"type":${type},"occurredAt":${occurredAt},"data":{${data.join(',')}}}`;
  },
);

const deep = fc.integer({ min: 33, max: 10_000 }).map((depth) => {
  const nested = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  return `{"id":${quoted(nextId())},"type":"lead.created","occurredAt":"2026-01-03T08:00:00Z","data":{"contactId":"h1","extra":${nested}}}`;
});

const randomJson = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value));
/** A key with a hostile character in the field name itself. */
const hostileKey = fc.constant(`{"id":${quoted(nextId())},"type":"touch","occurredAt":"2026-01-03T08:00:00Z","data":{"contactId":"h1","channel":"email","touchType":"click","x${NUL}":1}}`);

const item = fc.oneof(
  { arbitrary: validMarketing, weight: 5 },
  { arbitrary: poisoned, weight: 5 },
  { arbitrary: deep, weight: 1 },
  { arbitrary: randomJson, weight: 2 },
  { arbitrary: hostileKey, weight: 1 },
);

/** A batch for the marketing endpoint; some are sent twice in a row (a retry). */
export const hostileBatch: fc.Arbitrary<HostileBatch> = fc.array(item, { minLength: 1, maxLength: 30 }).map((items) => ({
  department: 'marketing' as const,
  body: `{"events":[${items.join(',')}]}`,
  events: items.length,
}));
