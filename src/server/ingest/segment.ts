// Segment-compatible ingestion: maps Segment's track, identify, page and screen calls onto our
// events, so an existing Segment or RudderStack pipeline (or @segment/analytics-node pointed at
// us) can feed the dashboard unchanged. messageId is the idempotency key.
import { isEventType } from './catalogue';
import type { Translate } from './ingest';

export const SEGMENT_MAX_EVENT_BYTES = 32 * 1024;
export const SEGMENT_MAX_BATCH_BYTES = 500 * 1024;

export const segmentCalls = ['track', 'identify', 'page', 'screen'] as const;
export type SegmentCall = (typeof segmentCalls)[number];

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function compact(data: Json): Json {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}

export function isSegmentCall(value: unknown): boolean {
  const type = object(value).type;
  return typeof type === 'string' && (segmentCalls as readonly string[]).includes(type);
}

/** The channel of a call: an explicit channel property, else the UTM medium or source, else direct. */
function channelOf(properties: Json, campaign: Json): string {
  return text(properties.channel) ?? text(campaign.medium) ?? text(campaign.source) ?? 'direct';
}

/**
 * One Segment call as one of our events (still to be validated). `implied` is the call type of
 * the endpoint it was posted to; in a batch each call names its own type.
 */
export function fromSegment(call: unknown, implied?: SegmentCall): ReturnType<Translate> {
  const body = object(call);
  const id = text(body.messageId) ?? null;
  if (JSON.stringify(call ?? null).length > SEGMENT_MAX_EVENT_BYTES) {
    return { ok: false, id, errors: [{ path: '(event)', message: 'a Segment call may be at most 32 KB' }] };
  }
  const type = implied ?? body.type;
  if (typeof type !== 'string' || !(segmentCalls as readonly string[]).includes(type)) {
    return { ok: false, id, errors: [{ path: 'type', message: 'must be track, identify, page or screen' }] };
  }
  if (id === null) return { ok: false, id, errors: [{ path: 'messageId', message: 'is required (it is the idempotency key)' }] };

  const occurredAt = text(body.timestamp) ?? text(body.originalTimestamp) ?? text(body.sentAt) ?? new Date().toISOString();
  const context = object(body.context);
  const campaign = object(context.campaign);
  const properties = object(body.properties);
  const contactId = text(body.userId);
  const anonymousId = text(body.anonymousId);
  const event = (eventType: string, data: Json) => ({ ok: true as const, event: { id, type: eventType, occurredAt, data: compact(data) } });

  switch (type as SegmentCall) {
    case 'page':
    case 'screen':
      return event('touch', {
        contactId,
        anonymousId,
        channel: channelOf(properties, campaign),
        campaignId: text(properties.campaignId) ?? text(campaign.name),
        touchType: type === 'page' ? 'page_view' : 'screen_view',
        url: text(properties.url) ?? text(object(context.page).url),
      });
    case 'identify': {
      const traits = { ...object(context.traits), ...object(body.traits) };
      const fullName = [text(traits.firstName), text(traits.lastName)].filter(Boolean).join(' ');
      return event('lead.created', {
        contactId,
        anonymousId,
        email: text(traits.email),
        name: text(traits.name) ?? (fullName || undefined),
        company: text(traits.company) ?? text(object(traits.company).name),
        accountId: text(traits.accountId) ?? text(context.groupId),
        source: text(traits.source),
        campaignId: text(traits.campaignId) ?? text(campaign.name),
      });
    }
    case 'track': {
      const name = text(body.event)?.trim();
      if (name && isEventType(name.toLowerCase())) {
        // A track call named after one of our events carries that event's data in its properties.
        return event(name.toLowerCase(), {
          ...properties,
          contactId: text(properties.contactId) ?? contactId,
          anonymousId: text(properties.anonymousId) ?? anonymousId,
        });
      }
      return event('touch', {
        contactId,
        anonymousId,
        channel: channelOf(properties, campaign),
        campaignId: text(properties.campaignId) ?? text(campaign.name),
        touchType: name,
        url: text(properties.url) ?? text(object(context.page).url),
      });
    }
  }
}
