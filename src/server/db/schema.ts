// The read model. `events` is the append-only log; fact tables are insert-only projections of
// single events; derived tables are recomputed from facts for the entities a batch touched.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const cents = (name: string) => bigint(name, { mode: 'number' });
/** Bytes exactly as a sender sent them (whatever they hold: NUL, invalid UTF-8, any nesting). */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

// ---------------------------------------------------------------- access

export const apiKeys = pgTable('api_keys', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  department: text('department').notNull(),
  /** sha256 of the full key; the key itself is shown once and never stored. */
  keyHash: text('key_hash').notNull().unique(),
  /** first characters of the key, to recognise it in lists. */
  prefix: text('prefix').notNull(),
  ratePerMinute: integer('rate_per_minute').notNull().default(600),
  createdAt: ts('created_at').notNull().defaultNow(),
  revokedAt: ts('revoked_at'),
});

/** Requests per key per one-minute window; shared by every app process. */
export const apiKeyWindows = pgTable(
  'api_key_windows',
  {
    apiKeyId: integer('api_key_id').notNull(),
    windowStart: ts('window_start').notNull(),
    requests: integer('requests').notNull(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.windowStart] })],
);

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role').notNull(),
  department: text('department').notNull(),
  passwordHash: text('password_hash'),
  disabledAt: ts('disabled_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** the identity provider's subject (`sub`) of an account that signs in through single sign-on */
  ssoSubject: text('sso_subject').unique(),
});

/**
 * One row per sign-in; the session cookie names it (`sid`). Ending the row (sign-out, or the
 * identity provider no longer vouching for the person) ends the session whatever the cookie says.
 */
export const authSessions = pgTable(
  'auth_sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** 'credentials' or 'oidc' */
    provider: text('provider').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    endedAt: ts('ended_at'),
    /** why it ended: signOut, idpRefused, noMappedGroup, tokenExpired, disabled */
    endReason: text('end_reason'),
    /** the provider's access token (AES-GCM under the auth secret), to ask the provider again */
    idpAccessToken: text('idp_access_token'),
    idpRefreshToken: text('idp_refresh_token'),
    idpExpiresAt: ts('idp_expires_at'),
    /** when the provider last confirmed the person and their groups */
    idpCheckedAt: ts('idp_checked_at'),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId)],
);

/** Tokens for machine callers of admin APIs (a privacy tool's erasure requests), stored as a sha256 hash. */
export const adminTokens = pgTable('admin_tokens', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  /** what the token may do; 'privacy' (erasure requests) is the one scope today */
  scope: text('scope').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  prefix: text('prefix').notNull(),
  createdBy: integer('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
});

/** Product settings (SLAs, lookback, forecast horizon, permission matrix), one JSON value per key. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Failed sign-in attempts, per account (email) and per client address; shared by every process. */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** 'pair' ("<email> address:<ip>" or "<email> device:<id>"), 'account' (lower-cased email) or 'address' (client IP) */
    scope: text('scope').notNull(),
    subject: text('subject').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('sign_in_failures_subject_idx').on(t.scope, t.subject, t.at)],
);

/** Who did what and when: every admin action and every export. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    actorId: integer('actor_id'),
    actorEmail: text('actor_email'),
    action: text('action').notNull(),
    details: jsonb('details').notNull().default({}),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

// ---------------------------------------------------------------- the log

export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    apiKeyId: integer('api_key_id').notNull(),
    department: text('department').notNull(),
    /** the sender's idempotency key */
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
    /** the key of the entity the event is about (contact, opportunity, ticket, campaign, account, week) */
    entityKey: text('entity_key').notNull(),
    /** data.accountId where the event names one */
    accountId: text('account_id'),
    data: jsonb('data').notNull(),
    /**
     * The id of the transaction that wrote the row. The projector reads the log in (tx, id) order
     * below the oldest running transaction, so a batch that commits late is never skipped.
     */
    tx: bigint('tx', { mode: 'number' })
      .notNull()
      .default(sql`(pg_current_xact_id()::text)::bigint`),
  },
  (t) => [
    uniqueIndex('events_key_event_uq').on(t.apiKeyId, t.eventId),
    index('events_tx_idx').on(t.tx, t.id),
    index('events_entity_idx').on(t.entityKey, t.type),
    index('events_account_idx').on(t.accountId).where(sql`${t.accountId} is not null`),
    index('events_anonymous_idx')
      .on(sql`(${t.data}->>'anonymousId')`)
      .where(sql`${t.type} = 'lead.created' and ${t.data}->>'anonymousId' is not null`),
  ],
);

export const rejectedEvents = pgTable(
  'rejected_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    apiKeyId: integer('api_key_id'),
    department: text('department').notNull(),
    /** position in the batch it came in; null when the whole body was rejected */
    batchIndex: integer('batch_index'),
    eventId: text('event_id'),
    type: text('type'),
    /** the event as sent, when it was JSON */
    raw: jsonb('raw'),
    /** the body as sent, when it was not JSON (printable: NUL shown as \u0000) */
    rawText: text('raw_text'),
    /** the event (or the whole body) byte for byte as it was sent */
    rawBody: bytea('raw_body'),
    status: smallint('status').notNull(),
    errors: jsonb('errors').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
    replayedAt: ts('replayed_at'),
    replayedEventPk: bigint('replayed_event_pk', { mode: 'number' }),
  },
  (t) => [index('rejected_events_key_idx').on(t.apiKeyId, t.receivedAt)],
);

// ---------------------------------------------------------------- facts (one row per event)

/**
 * Where the projector stands in the log. Rows below (cursorTx, cursorId) in (tx, id) order are
 * applied; every transaction below appliedBelow is wholly applied (a batch's watermark is its tx).
 */
export const projectorState = pgTable('projector_state', {
  name: text('name').primaryKey(),
  cursorTx: bigint('cursor_tx', { mode: 'number' }).notNull(),
  cursorId: bigint('cursor_id', { mode: 'number' }).notNull(),
  appliedBelow: bigint('applied_below', { mode: 'number' }).notNull(),
  appliedEvents: bigint('applied_events', { mode: 'number' }).notNull().default(0),
  /** received_at of the newest applied event: what every dashboard answer is as of */
  newestReceivedAt: ts('newest_received_at'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  /**
   * current: chunks keep the rollups by delta; deferred: a bulk load (seed, rebuild) fills them
   * at its end; refill: the next chunk's transaction fills them whole (set after a migration).
   */
  rollups: text('rollups').notNull().default('refill'),
});

export const touches = pgTable(
  'touches',
  {
    eventPk: bigint('event_pk', { mode: 'number' }).notNull(),
    eventId: text('event_id').notNull(),
    /**
     * Who the sender said the touch is from: its contactId, else its anonymousId. Never changes,
     * so a touch stays where it was written; on a cluster it is the distribution column.
     */
    visitorId: text('visitor_id').notNull(),
    contactId: text('contact_id'),
    anonymousId: text('anonymous_id'),
    /** contactId, or the contact its anonymousId is tied to (derived) */
    resolvedContactId: text('resolved_contact_id'),
    channel: text('channel').notNull(),
    campaignId: text('campaign_id'),
    touchType: text('touch_type').notNull(),
    url: text('url'),
    occurredAt: ts('occurred_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.visitorId, t.eventPk] }),
    index('touches_contact_idx').on(t.resolvedContactId, t.occurredAt),
    index('touches_anonymous_idx').on(t.anonymousId).where(sql`${t.anonymousId} is not null`),
    index('touches_time_idx').on(t.occurredAt),
  ],
);

export const campaignSpend = pgTable(
  'campaign_spend',
  {
    eventPk: bigint('event_pk', { mode: 'number' }).primaryKey(),
    campaignId: text('campaign_id').notNull(),
    spendDate: date('spend_date', { mode: 'string' }).notNull(),
    amountCents: cents('amount_cents').notNull(),
  },
  (t) => [index('campaign_spend_date_idx').on(t.spendDate, t.campaignId)],
);

/** renewals, expansions, churn and advocacy, one row per event */
export const accountEvents = pgTable(
  'account_events',
  {
    eventPk: bigint('event_pk', { mode: 'number' }).primaryKey(),
    eventId: text('event_id').notNull(),
    accountId: text('account_id').notNull(),
    kind: text('kind').notNull(), // renewed | expanded | churned | advocacy
    amountCents: cents('amount_cents'),
    reason: text('reason'),
    advocacyKind: text('advocacy_kind'),
    contactId: text('contact_id'),
    occurredAt: ts('occurred_at').notNull(),
  },
  (t) => [
    index('account_events_account_idx').on(t.accountId, t.kind, t.occurredAt),
    index('account_events_contact_idx').on(t.contactId).where(sql`${t.contactId} is not null`),
    index('account_events_time_idx').on(t.occurredAt),
  ],
);

// ---------------------------------------------------------------- derived entities

/** anonymousId -> contactId, from the earliest lead.created naming the anonymousId */
export const identityLinks = pgTable(
  'identity_links',
  {
    anonymousId: text('anonymous_id').primaryKey(),
    contactId: text('contact_id').notNull(),
    linkedAt: ts('linked_at').notNull(),
  },
  (t) => [index('identity_links_contact_idx').on(t.contactId)],
);

/** One journey per contact, with its seven reach times ("reached at least stage k"). */
export const leads = pgTable(
  'leads',
  {
    contactId: text('contact_id').primaryKey(),
    accountId: text('account_id'),
    email: text('email'),
    name: text('name'),
    company: text('company'),
    declaredSource: text('declared_source'),
    campaignId: text('campaign_id'),
    anonymousId: text('anonymous_id'),
    /** declared source, else the channel of the first touch, else 'unknown' */
    source: text('source').notNull(),
    /** the converting opportunity's account after conversion, else the lead's own account */
    journeyAccountId: text('journey_account_id'),
    convertedOpportunityId: text('converted_opportunity_id'),
    firstFollowUpAt: ts('first_follow_up_at'),
    followUpOwnerId: text('follow_up_owner_id'),
    disqualifiedAt: ts('disqualified_at'),
    disqualifiedReason: text('disqualified_reason'),
    awarenessAt: ts('awareness_at'),
    inquiryAt: ts('inquiry_at'),
    qualificationAt: ts('qualification_at'),
    conversionAt: ts('conversion_at'),
    retentionAt: ts('retention_at'),
    expansionAt: ts('expansion_at'),
    advocacyAt: ts('advocacy_at'),
    /** the furthest stage reached, 0 (none) to 7 (advocacy) */
    stage: smallint('stage').notNull(),
    /** the journey's segment and deal type (filters.ts defines them), kept for the rollups */
    segment: text('segment'),
    dealType: text('deal_type'),
    /** sum of the amounts of the won opportunities naming the lead */
    wonRevenueCents: cents('won_revenue_cents').notNull().default(0),
    /** the amount of the converting opportunity (0 when none or without an amount), kept for the rollups */
    convertedAmountCents: cents('converted_amount_cents').notNull().default(0),
  },
  (t) => [
    // Cohorts by date, and the keyset order of a stage's journeys (cohort date, then contact).
    index('leads_inquiry_idx').on(t.inquiryAt, t.contactId),
    index('leads_awareness_idx').on(t.awarenessAt, t.contactId),
    // The follow-up black hole: leads nobody has followed up or disqualified yet, oldest first.
    index('leads_follow_up_open_idx')
      .on(t.inquiryAt, t.contactId)
      .where(sql`${t.firstFollowUpAt} is null and ${t.disqualifiedAt} is null`),
    index('leads_source_idx').on(t.source, t.inquiryAt),
    // Journeys qualified or won after a past moment (a plan made then did not know them yet).
    index('leads_qualification_idx').on(t.qualificationAt),
    index('leads_conversion_idx').on(t.conversionAt),
    index('leads_campaign_idx').on(t.campaignId),
    index('leads_journey_account_idx').on(t.journeyAccountId),
    index('leads_account_idx').on(t.accountId),
  ],
);

export const accounts = pgTable(
  'accounts',
  {
    accountId: text('account_id').primaryKey(),
    name: text('name'),
    firstSeenAt: ts('first_seen_at').notNull(),
    churnedAt: ts('churned_at'),
    churnReason: text('churn_reason'),
  },
  // The accounts list's orders: by name (the id where there is none), by first appearance.
  (t) => [
    index('accounts_name_idx').on(sql`coalesce(${t.name}, ${t.accountId})`, t.accountId),
    index('accounts_first_seen_idx').on(t.firstSeenAt, t.accountId),
  ],
);

export const campaigns = pgTable('campaigns', {
  campaignId: text('campaign_id').primaryKey(),
  name: text('name').notNull(),
  channel: text('channel').notNull(),
  budgetCents: cents('budget_cents'),
  updatedAt: ts('updated_at').notNull(),
});

export const opportunities = pgTable(
  'opportunities',
  {
    opportunityId: text('opportunity_id').primaryKey(),
    accountId: text('account_id'),
    contactId: text('contact_id'),
    dealType: text('deal_type'),
    stage: text('stage'),
    /** won amount when given, else the latest amount of created/updated */
    amountCents: cents('amount_cents'),
    createdAt: ts('created_at'),
    expectedCloseAt: ts('expected_close_at'),
    status: text('status').notNull(), // open | won | lost
    wonAt: ts('won_at'),
    lostAt: ts('lost_at'),
    lostReason: text('lost_reason'),
  },
  (t) => [
    index('opportunities_contact_idx').on(t.contactId),
    index('opportunities_account_idx').on(t.accountId),
    // Won in a range, and the keyset order of the won deals (won time, then id).
    index('opportunities_won_idx').on(t.wonAt, t.opportunityId),
    index('opportunities_status_idx').on(t.status, t.dealType),
    // Lost after a past moment (open then), and the few deals the plan rollups leave to be read one by one.
    index('opportunities_lost_idx').on(t.lostAt),
    index('opportunities_irregular_idx')
      .on(t.opportunityId)
      .where(sql`${t.createdAt} > ${t.wonAt} or ${t.createdAt} > ${t.lostAt} or ${t.lostAt} < ${t.wonAt}`),
    // The deals open now by creation time: those of a moment's own hour, and the plan's filtered pipeline.
    index('opportunities_open_created_idx').on(t.createdAt).where(sql`${t.wonAt} is null and ${t.lostAt} is null`),
    // The first opportunity of an account (segment) and of a contact (journey deal type), read index-only.
    index('opportunities_account_first_idx').on(t.accountId, t.createdAt, t.opportunityId, t.dealType),
    index('opportunities_contact_first_idx').on(t.contactId, t.createdAt, t.opportunityId, t.dealType),
  ],
);

export const onboardings = pgTable(
  'onboardings',
  {
    opportunityId: text('opportunity_id').primaryKey(),
    accountId: text('account_id'),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
  },
  (t) => [index('onboardings_started_idx').on(t.startedAt)],
);

export const capacity = pgTable('capacity', {
  /** ISO week, e.g. 2026-W07 */
  week: text('week').primaryKey(),
  weekStart: date('week_start', { mode: 'string' }).notNull(),
  slots: integer('slots').notNull(),
});

export const tickets = pgTable(
  'tickets',
  {
    ticketId: text('ticket_id').primaryKey(),
    accountId: text('account_id'),
    contactId: text('contact_id'),
    category: text('category'),
    priority: text('priority'),
    openedAt: ts('opened_at'),
    resolvedAt: ts('resolved_at'),
    csat: smallint('csat'),
  },
  (t) => [
    index('tickets_account_idx').on(t.accountId),
    index('tickets_opened_idx').on(t.openedAt),
    // The ticket black hole: open tickets, oldest first.
    index('tickets_open_idx').on(t.openedAt, t.ticketId).where(sql`${t.resolvedAt} is null`),
  ],
);

/** Revenue credit of one won opportunity per model and touch, in cents (sums to the amount). */
export const attributionCredits = pgTable(
  'attribution_credits',
  {
    opportunityId: text('opportunity_id').notNull(),
    model: text('model').notNull(),
    /** the touch's event id, or 'unattributed' */
    touchRef: text('touch_ref').notNull(),
    channel: text('channel').notNull(),
    campaignId: text('campaign_id'),
    wonAt: ts('won_at').notNull(),
    creditCents: cents('credit_cents').notNull(),
    /** when the touch happened (null for 'unattributed'), so a deal's path reads without the touches table */
    touchAt: ts('touch_at'),
    /** 'touch', 'lead.created' (a lead's creation counted as a touch of its source) or 'unattributed' */
    touchKind: text('touch_kind').notNull().default('touch'),
  },
  (t) => [
    primaryKey({ columns: [t.opportunityId, t.model, t.touchRef] }),
    index('attribution_credits_won_idx').on(t.model, t.wonAt),
  ],
);

// ---------------------------------------------------------------- KPI targets

/**
 * A target on one metric the product computes, for one month or quarter (QQTR: quantity, quality
 * standard, timeframe, resources) with its RACI: exactly one accountable department.
 */
export const kpiTargets = pgTable(
  'kpi_targets',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    metric: text('metric').notNull(),
    /** { source?, campaign?, segment?, dealType? } */
    filters: jsonb('filters').$type<Record<string, string>>().notNull().default({}),
    periodKind: text('period_kind').notNull(), // month | quarter
    /** first day of the month or quarter, UTC */
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    /** counts, cents for money metrics, a fraction (0..1) for rates */
    targetValue: doublePrecision('target_value').notNull(),
    qualityMetric: text('quality_metric'),
    qualityMin: doublePrecision('quality_min'),
    budgetCents: cents('budget_cents'),
    accountable: text('accountable').notNull(),
    responsible: jsonb('responsible').$type<string[]>().notNull().default([]),
    consulted: jsonb('consulted').$type<string[]>().notNull().default([]),
    informed: jsonb('informed').$type<string[]>().notNull().default([]),
    createdBy: integer('created_by'),
    updatedBy: integer('updated_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('kpi_targets_period_idx').on(t.periodStart, t.accountable)],
);

// ---------------------------------------------------------------- saved dashboards

/**
 * A user's saved dashboard: tile definitions only (kind + filters), never computed data, so a
 * shared dashboard is always computed with the viewer's rights. `sharedWith` lists roles.
 */
export const dashboards = pgTable(
  'dashboards',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** [{ kind, title?, range?, filters, model? }] as validated by src/server/dashboards.ts */
    tiles: jsonb('tiles').$type<unknown[]>().notNull().default([]),
    sharedWith: jsonb('shared_with').$type<string[]>().notNull().default([]),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('dashboards_owner_idx').on(t.ownerId)],
);

// ---------------------------------------------------------------- CSV imports

/**
 * One import of a CSV file: what its rows are, how its columns map, who ran it and how far it
 * got. `rowsDone` is the last committed row, from where an interrupted import resumes.
 */
export const imports = pgTable(
  'imports',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    department: text('department').notNull(),
    fileName: text('file_name').notNull(),
    /** where the file is kept until the import is done, to resume from */
    filePath: text('file_path'),
    fileBytes: bigint('file_bytes', { mode: 'number' }).notNull(),
    /** sha256 of the file's first MiB and its size: the same file on resume */
    fileFingerprint: text('file_fingerprint').notNull(),
    /** the mapping as validated (src/server/import/kinds.ts) */
    mapping: jsonb('mapping').notNull(),
    /** 'running', 'done', 'failed', 'cancelled' */
    status: text('status').notNull(),
    userId: integer('user_id'),
    /** the user's email, or the system user of the command line */
    who: text('who').notNull(),
    startedAt: ts('started_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
    rowsDone: integer('rows_done').notNull().default(0),
    bytesDone: bigint('bytes_done', { mode: 'number' }).notNull().default(0),
    events: integer('events').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    invalidRows: integer('invalid_rows').notNull().default(0),
    skippedRows: integer('skipped_rows').notNull().default(0),
    error: text('error'),
    /** the process running the import, which holds it until `leaseUntil` and renews that after each batch */
    runner: text('runner'),
    leaseUntil: ts('lease_until'),
  },
  (t) => [index('imports_started_idx').on(t.startedAt)],
);

/** The rows an import could not turn into events: row, column, value and the reason. */
export const importErrors = pgTable(
  'import_errors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    importId: integer('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    row: integer('row').notNull(),
    column: text('column').notNull(),
    value: text('value').notNull(),
    message: text('message').notNull(),
  },
  (t) => [index('import_errors_import_idx').on(t.importId, t.row)],
);
// ---------------------------------------------------------------- alerts, notes, digests

/**
 * An alert rule: what to watch (kind + params, validated by src/server/alerts/rules.ts), whose
 * it is (department: content is masked for that department's role) and where it goes (channels).
 */
export const alertRules = pgTable('alert_rules', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  params: jsonb('params').$type<Record<string, unknown>>().notNull(),
  department: text('department').notNull(),
  /** [{ type: 'webhook', url, secret, format } | { type: 'email', to }] */
  channels: jsonb('channels').$type<Record<string, unknown>[]>().notNull().default([]),
  muted: integer('muted').notNull().default(0),
  createdBy: integer('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** The last state of each subject a rule watches: no repeat while it holds. */
export const alertStates = pgTable(
  'alert_states',
  {
    ruleId: integer('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    /** what the state is about: a target id, an item id, a source, an API key, or 'all' */
    subject: text('subject').notNull(),
    state: text('state').notNull(),
    /** whether the state is one the rule alerts on (an open alert) */
    alerting: integer('alerting').notNull().default(0),
    /** counts state changes; part of the idempotency key */
    version: integer('version').notNull().default(1),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    since: ts('since').notNull().defaultNow(),
    evaluatedAt: ts('evaluated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.subject] })],
);

/** Messages to deliver, at least once: one row per state change and channel. */
export const alertOutbox = pgTable(
  'alert_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ruleId: integer('rule_id'),
    /** the department the message is for (rights and listing) */
    department: text('department').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    channel: jsonb('channel').$type<Record<string, unknown>>().notNull(),
    message: jsonb('message').$type<Record<string, unknown>>().notNull(),
    status: text('status').notNull().default('pending'), // pending | delivered | failed
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [
    uniqueIndex('alert_outbox_key_uq').on(t.idempotencyKey),
    index('alert_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** Every delivery attempt and how it went. */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    outboxId: bigint('outbox_id', { mode: 'number' })
      .notNull()
      .references(() => alertOutbox.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    at: ts('at').notNull().defaultNow(),
    ok: integer('ok').notNull(),
    error: text('error'),
  },
  (t) => [index('alert_deliveries_outbox_idx').on(t.outboxId)],
);

/** Named leases: one server instance at a time runs an evaluation. */
export const alertLeases = pgTable('alert_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: ts('expires_at').notNull(),
});

/** A note on the record about a KPI target, a handoff item or an account, addressed to a department. */
export const notes = pgTable(
  'notes',
  {
    id: serial('id').primaryKey(),
    subjectKind: text('subject_kind').notNull(), // kpi_target | handoff_item | account
    subjectId: text('subject_id').notNull(),
    accountId: text('account_id'),
    toDepartment: text('to_department').notNull(),
    body: text('body').notNull(),
    authorId: integer('author_id'),
    authorName: text('author_name').notNull(),
    authorDepartment: text('author_department').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('notes_subject_idx').on(t.subjectKind, t.subjectId),
    index('notes_to_idx').on(t.toDepartment, t.createdAt),
    index('notes_account_idx').on(t.accountId).where(sql`${t.accountId} is not null`),
  ],
);

/** Up to when each user has read the notes addressed to their department. */
export const noteReads = pgTable('note_reads', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  readUntilId: integer('read_until_id').notNull(),
});

// ---------------------------------------------------------------- rollups
// Aggregates the report pages read, kept by the projector in the chunk's transaction (see
// src/server/projector/rollups.ts). Dimension columns hold '' for "none" so they can be keys.
// Distribution (Citus, src/server/db/distribution.ts): the aggregates are reference tables (a copy
// on every node, so a report reads its cells on one node); attribution_contributions is
// distributed with the credits, by opportunity.

const rollupKeys = {
  /** 'inquiry' or 'awareness': the reach time the cohort is dated by */
  cohort: text('cohort').notNull(),
  source: text('source').notNull(),
  campaignId: text('campaign_id').notNull(),
  segment: text('segment').notNull(),
  dealType: text('deal_type').notNull(),
};

/** Journeys per cohort day (and month) and dimensions, with the count that reached each stage. */
export const journeyCohortRollup = pgTable(
  'journey_cohort_rollup',
  {
    ...rollupKeys,
    /** 'day' or 'month' (bucket is the month's first day) */
    grain: text('grain').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    disqualifiedReason: text('disqualified_reason').notNull(),
    journeys: integer('journeys').notNull(),
    awareness: integer('awareness').notNull(),
    inquiry: integer('inquiry').notNull(),
    qualification: integer('qualification').notNull(),
    conversion: integer('conversion').notNull(),
    retention: integer('retention').notNull(),
    expansion: integer('expansion').notNull(),
    advocacy: integer('advocacy').notNull(),
    disqualified: integer('disqualified').notNull(),
    followedUp: integer('followed_up').notNull(),
    /** disqualified with no follow-up: a lead follow-up that sales closed */
    closedUnfollowed: integer('closed_unfollowed').notNull(),
    wonRevenueCents: cents('won_revenue_cents').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.cohort, t.grain, t.bucket, t.source, t.campaignId, t.segment, t.dealType, t.disqualifiedReason] }),
    index('journey_cohort_rollup_empty_idx').on(t.bucket).where(sql`journeys = 0`),
  ],
);

/**
 * Exact duration histograms (whole minutes) per cohort day: velocity between stages k and k+1
 * (measure k), inquiry to conversion (6), inquiry to first follow-up (7). Keyed by minutes
 * first, so the rows of one duration window are one index range.
 */
export const journeyDurationRollup = pgTable(
  'journey_duration_rollup',
  {
    ...rollupKeys,
    measure: smallint('measure').notNull(),
    minutes: integer('minutes').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    journeys: integer('journeys').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.cohort, t.measure, t.minutes, t.day, t.source, t.campaignId, t.segment, t.dealType] }),
    index('journey_duration_rollup_empty_idx').on(t.day).where(sql`journeys = 0`),
    // The whole days at a range's ends, one index descent per day and duration window.
    index('journey_duration_rollup_day_idx').on(t.cohort, t.measure, t.day, t.minutes),
  ],
);

/**
 * The same histograms in coarse slots (a day each up to 60 days, then a week each), per day and
 * month, and per single dimension ('all', 'source', 'campaign', 'segment', 'deal_type'): a
 * percentile finds its slot here, then reads the minutes of that slot only.
 */
export const journeyDurationSlotRollup = pgTable(
  'journey_duration_slot_rollup',
  {
    cohort: text('cohort').notNull(),
    measure: smallint('measure').notNull(),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    grain: text('grain').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    slot: smallint('slot').notNull(),
    journeys: integer('journeys').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.cohort, t.measure, t.dimension, t.value, t.grain, t.bucket, t.slot] }),
    index('journey_duration_slot_rollup_empty_idx').on(t.bucket).where(sql`journeys = 0`),
  ],
);

/**
 * The level between the slots and the minutes: per month (the first day of it) and single
 * dimension, the journeys of each slot by whole hour (minutes / 60). A percentile that found its
 * slot reads that slot's hours here, then only one hour's minutes from journey_duration_rollup.
 */
export const journeyDurationHourRollup = pgTable(
  'journey_duration_hour_rollup',
  {
    cohort: text('cohort').notNull(),
    measure: smallint('measure').notNull(),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    slot: smallint('slot').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    hour: integer('hour').notNull(),
    journeys: integer('journeys').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.cohort, t.measure, t.dimension, t.value, t.slot, t.bucket, t.hour] }),
    index('journey_duration_hour_rollup_empty_idx').on(t.bucket).where(sql`journeys = 0`),
  ],
);

/**
 * What each onboarding and ticket handoff adds to the handoff rollups: one row per single
 * dimension and value it counts under ('all' ''; its segment; each source, campaign and deal type
 * it matches: a ticket matches those of every journey of its account), with its start and, once
 * handed off, its time in whole minutes. Kept so a chunk can take an item's old contribution out
 * whatever changed since; the report's partial days and minute windows read it too.
 * Distribution (Citus): co-located with the journeys on item_id, as attribution_contributions.
 */
export const handoffContributions = pgTable(
  'handoff_contributions',
  {
    /**
     * 'onboardingStart' (item: the won opportunity), 'ticketResolution' (item: the ticket) or
     * 'onboardings' (item: the onboarding, by its opportunity; started_at is its start, no minutes)
     */
    kind: text('kind').notNull(),
    itemId: text('item_id').notNull(),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    startedAt: ts('started_at').notNull(),
    /** null while not handed off */
    minutes: integer('minutes'),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.itemId, t.dimension, t.value] }),
    index('handoff_contributions_started_idx').on(t.kind, t.dimension, t.value, t.startedAt),
    index('handoff_contributions_minutes_idx').on(t.kind, t.dimension, t.value, t.minutes, t.startedAt),
  ],
);

/**
 * Onboarding and ticket handoffs by start day (and month) and single dimension: items started and
 * handed off (kind 'onboardings': onboardings started, done 0). Their times are in the duration slot and hour rollups under the cohort of their kind.
 * (Lead follow-ups are journeys: the cohort rollup counts them, duration measure 7 times them.)
 */
export const handoffRollup = pgTable(
  'handoff_rollup',
  {
    kind: text('kind').notNull(),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    grain: text('grain').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    items: integer('items').notNull(),
    done: integer('done').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.dimension, t.value, t.grain, t.bucket] }),
    index('handoff_rollup_empty_idx').on(t.bucket).where(sql`items = 0`),
  ],
);

/** Campaign spend per day and month. */
export const spendRollup = pgTable(
  'spend_rollup',
  {
    grain: text('grain').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    campaignId: text('campaign_id').notNull(),
    amountCents: cents('amount_cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.grain, t.bucket, t.campaignId] })],
);

/**
 * What each won deal adds to the attribution rollup: per channel and per campaign its credit under
 * every model and whether that credit is positive (an influenced deal), and a 'total' row with its
 * amount. Kept so a chunk can take a deal's old contribution out whatever changed since.
 * Distribution (Citus): co-located with attribution_credits on opportunity_id.
 */
export const attributionContributions = pgTable(
  'attribution_contributions',
  {
    opportunityId: text('opportunity_id').notNull(),
    /** 'channel', 'campaign' ('' = touches without a campaign) or 'total' (key '') */
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    wonDay: date('won_day', { mode: 'string' }).notNull(),
    /** the deal's filters: its segment and deal type, its contact's source and campaign ('' = none) */
    segment: text('segment').notNull(),
    dealType: text('deal_type').notNull(),
    source: text('source').notNull(),
    campaignId: text('campaign_id').notNull(),
    amountCents: cents('amount_cents').notNull(),
    revenueFirstTouch: cents('revenue_first_touch').notNull(),
    revenueLastTouch: cents('revenue_last_touch').notNull(),
    revenueLinear: cents('revenue_linear').notNull(),
    revenueUShaped: cents('revenue_u_shaped').notNull(),
    revenueWShaped: cents('revenue_w_shaped').notNull(),
    revenueFullPath: cents('revenue_full_path').notNull(),
    revenueTimeDecay: cents('revenue_time_decay').notNull(),
    influencedFirstTouch: integer('influenced_first_touch').notNull(),
    influencedLastTouch: integer('influenced_last_touch').notNull(),
    influencedLinear: integer('influenced_linear').notNull(),
    influencedUShaped: integer('influenced_u_shaped').notNull(),
    influencedWShaped: integer('influenced_w_shaped').notNull(),
    influencedFullPath: integer('influenced_full_path').notNull(),
    influencedTimeDecay: integer('influenced_time_decay').notNull(),
  },
  (t) => [primaryKey({ columns: [t.opportunityId, t.kind, t.key] })],
);

/** Attribution credits by won day (and month), the deal's filters, channel or campaign; models as columns. */
export const attributionRollup = pgTable(
  'attribution_rollup',
  {
    grain: text('grain').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    segment: text('segment').notNull(),
    dealType: text('deal_type').notNull(),
    source: text('source').notNull(),
    campaignId: text('campaign_id').notNull(),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    /** deals with a row here */
    deals: integer('deals').notNull(),
    amountCents: cents('amount_cents').notNull(),
    revenueFirstTouch: cents('revenue_first_touch').notNull(),
    revenueLastTouch: cents('revenue_last_touch').notNull(),
    revenueLinear: cents('revenue_linear').notNull(),
    revenueUShaped: cents('revenue_u_shaped').notNull(),
    revenueWShaped: cents('revenue_w_shaped').notNull(),
    revenueFullPath: cents('revenue_full_path').notNull(),
    revenueTimeDecay: cents('revenue_time_decay').notNull(),
    influencedFirstTouch: integer('influenced_first_touch').notNull(),
    influencedLastTouch: integer('influenced_last_touch').notNull(),
    influencedLinear: integer('influenced_linear').notNull(),
    influencedUShaped: integer('influenced_u_shaped').notNull(),
    influencedWShaped: integer('influenced_w_shaped').notNull(),
    influencedFullPath: integer('influenced_full_path').notNull(),
    influencedTimeDecay: integer('influenced_time_decay').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.bucket, t.segment, t.dealType, t.source, t.campaignId, t.kind, t.key] }),
    index('attribution_rollup_empty_idx').on(t.bucket).where(sql`deals = 0`),
  ],
);

// ---------------------------------------------------------------- customer rollups (docs/rollups.md)

/**
 * What each account adds to the customer rollups, one row per item: its churn, each expansion,
 * advocacy, renewal and expansion event, its lifetime value and first win (LTV by origin, yearly
 * cohorts), and the entries of net revenue retention. Kept so a chunk can take an account's old
 * contribution out whatever changed since; the partial days of a range are read from it.
 */
export const customerItems = pgTable(
  'customer_items',
  {
    accountId: text('account_id').notNull(),
    /** churn, expansion, advocacy, renewed, expanded, value_source, value_campaign, value_segment, retention, cohort, ltv */
    family: text('family').notNull(),
    itemId: text('item_id').notNull(),
    /** the group the item counts under ('' for none) */
    reason: text('reason').notNull(),
    /** the instant it counts at */
    at: ts('at'),
    /** the day of its cell (retention: the entry's day; cohort: the first win's day) */
    day: date('day', { mode: 'string' }).notNull(),
    /** the account's previous and next item of the same family and reason (distinct accounts over a range) */
    prevAt: ts('prev_at'),
    nextAt: ts('next_at'),
    n: integer('n').notNull(),
    flagged: integer('flagged').notNull(),
    /** cohort: the first anniversary the account is no longer a customer at; null while it is */
    lost: integer('lost'),
    cents: cents('cents').notNull(),
    centsB: cents('cents_b').notNull(),
    centsC: cents('cents_c').notNull(),
    centsD: cents('cents_d').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.family, t.itemId] }),
    index('customer_items_day_idx').on(t.family, t.day),
    index('customer_items_at_idx').on(t.family, t.at),
  ],
);

/** The single filter values each account matches (docs/rollups.md): all, its segment, its journeys' sources, campaigns, deal types. */
export const customerSlices = pgTable(
  'customer_slices',
  {
    accountId: text('account_id').notNull(),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.dimension, t.value] }), index('customer_slices_value_idx').on(t.dimension, t.value, t.accountId)],
);

/** Churn, expansion, advocacy, renewal and expansion revenue, and customers by origin, by day and month and single dimension. */
export const customerEventRollup = pgTable(
  'customer_event_rollup',
  {
    kind: text('kind').notNull(),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    reason: text('reason').notNull(),
    grain: text('grain').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    /** the day of the account's previous item of the kind and reason ('-infinity' when none) */
    since: date('since', { mode: 'string' }).notNull(),
    items: integer('items').notNull(),
    flagged: integer('flagged').notNull(),
    cents: cents('cents').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.dimension, t.value, t.grain, t.bucket, t.reason, t.since] }),
    index('customer_event_rollup_empty_idx').on(t.bucket).where(sql`items = 0 and flagged = 0 and cents = 0`),
  ],
);

/** Net revenue retention's entries by month and single dimension: running balances and in-quarter movements. */
export const customerRetentionRollup = pgTable(
  'customer_retention_rollup',
  {
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    accounts: integer('accounts').notNull(),
    startingCents: cents('starting_cents').notNull(),
    expansionCents: cents('expansion_cents').notNull(),
    churnedCents: cents('churned_cents').notNull(),
    churnedStartingCents: cents('churned_starting_cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.dimension, t.value, t.bucket] })],
);

/** Customers by first-win year, the anniversary they were lost at (-1: never), and anniversary day and month (in 2000). */
export const customerCohortRollup = pgTable(
  'customer_cohort_rollup',
  {
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    cohort: smallint('cohort').notNull(),
    lost: smallint('lost').notNull(),
    grain: text('grain').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    customers: integer('customers').notNull(),
  },
  (t) => [primaryKey({ columns: [t.dimension, t.value, t.grain, t.bucket, t.cohort, t.lost] })],
);

/** Each account's lifetime value under every single filter it matches: customers.values pages on it. */
export const customerValues = pgTable(
  'customer_values',
  {
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    accountId: text('account_id').notNull(),
    wonCents: cents('won_cents').notNull(),
    renewalCents: cents('renewal_cents').notNull(),
    expansionCents: cents('expansion_cents').notNull(),
    lifetimeValueCents: cents('lifetime_value_cents').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.dimension, t.value, t.accountId] }),
    index('customer_values_order_idx').on(t.dimension, t.value, t.lifetimeValueCents.desc(), t.accountId),
    index('customer_values_account_idx').on(t.accountId),
  ],
);

// ---------------------------------------------------------------- plan and forecast rollups
// Kept by src/server/projector/planRollups.ts (docs/rollups.md, "Plan and forecast").

/** Journeys per inquiry day (and month) and dimensions: how many were qualified and won, and the won amount. */
export const journeyReachRollup = pgTable(
  'journey_reach_rollup',
  {
    grain: text('grain').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    source: text('source').notNull(),
    campaignId: text('campaign_id').notNull(),
    segment: text('segment').notNull(),
    dealType: text('deal_type').notNull(),
    inquiries: integer('inquiries').notNull(),
    qualified: integer('qualified').notNull(),
    converted: integer('converted').notNull(),
    convertedCents: cents('converted_cents').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.bucket, t.source, t.campaignId, t.segment, t.dealType] }),
    index('journey_reach_rollup_empty_idx').on(t.bucket).where(sql`inquiries = 0`),
  ],
);

/** Opportunities closed per day, deal type and outcome ('won' or 'lost'), for the win probabilities. */
export const dealCloseRollup = pgTable(
  'deal_close_rollup',
  {
    day: date('day', { mode: 'string' }).notNull(),
    dealType: text('deal_type').notNull(),
    outcome: text('outcome').notNull(),
    deals: integer('deals').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.dealType, t.outcome] }),
    index('deal_close_rollup_empty_idx').on(t.day).where(sql`deals = 0`),
  ],
);

/**
 * Duration histograms of won deals in whole hours (floor of the exact duration): measure 0
 * creation to win (the cycle, per deal type), 1 win to onboarding start (the lag, deal type '').
 */
export const dealDurationRollup = pgTable(
  'deal_duration_rollup',
  {
    measure: smallint('measure').notNull(),
    dealType: text('deal_type').notNull(),
    hours: integer('hours').notNull(),
    deals: integer('deals').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.measure, t.dealType, t.hours] }),
    index('deal_duration_rollup_empty_idx').on(t.measure).where(sql`deals = 0`),
  ],
);

/**
 * The regular deals open now (never won nor lost) by deal type and creation hour (epoch hours,
 * floor of the creation time), with their amounts: the forecast's and the plan's pipeline.
 */
export const dealOpenRollup = pgTable(
  'deal_open_rollup',
  {
    dealType: text('deal_type').notNull(),
    hour: integer('hour').notNull(),
    deals: integer('deals').notNull(),
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.dealType, t.hour] }), index('deal_open_rollup_empty_idx').on(t.hour).where(sql`deals = 0`)],
);
