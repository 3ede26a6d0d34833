// Product settings, one typed JSON value per key in `settings`, read and written only here. Each key
// has a zod schema and a default; a missing or unreadable row reads as the default, and only valid
// values are written. (The session-signing secret in the same table is auth's, not a setting.)
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { typedRows, type Db } from '~/server/db/client';
import { jsonParam } from '~/server/db/params';
import { normaliseMatrix, defaultMatrix, role, type PermissionMatrix } from '~/server/auth/rights';

const hours = z.number().positive().max(24 * 365);

export const slaSettings = z.object({
  /** lead created -> first sales follow-up */
  leadFollowUpHours: hours,
  /** opportunity won -> onboarding started */
  onboardingStartHours: hours,
  /** ticket opened -> resolved */
  ticketResolutionHours: hours,
});
export type SlaSettings = z.infer<typeof slaSettings>;

export const ssoGroupMapping = z.object({
  /** the group as the identity provider names it in the groups claim */
  group: z.string().trim().min(1, 'must not be empty').max(200),
  role,
  department: z.string().trim().min(1, 'must not be empty').max(60),
});
export const ssoSettings = z.object({
  /** the claim (from the provider's userinfo) that lists the person's groups */
  groupsClaim: z.string().trim().min(1, 'must not be empty').max(100),
  /** in order: the first mapping whose group the person is in gives the role and department */
  mappings: z.array(ssoGroupMapping).max(200),
  /** false: password sign-in only for admin accounts (the break-glass accounts) while SSO is configured */
  passwordSignIn: z.boolean(),
});
export type SsoSettings = z.infer<typeof ssoSettings>;

/** Raw-event retention: compact raw events older than `days` (off by default). */
export const retentionSettings = z.object({
  enabled: z.boolean(),
  /** raw events whose occurred time is older than this many days are compacted */
  days: z.number().int('must be a whole number of days').min(30, 'must be at least 30 days').max(36_500),
});
export type RetentionSettings = z.infer<typeof retentionSettings>;
/** Weeks the onboarding forecast looks ahead, the current one included. */
export const forecastWeeksSetting = z.number().int('must be a whole number of weeks').min(1, 'must be at least 1 week').max(52, 'must be at most 52 weeks');
/** Days before a win whose touches earn attribution credit. */
export const attributionLookbackDaysSetting = z
  .number()
  .int('must be a whole number of days')
  .min(1, 'must be at least 1 day')
  .max(3650, 'must be at most 3650 days');

/** The settings an admin edits on the settings page, all at once or some. */
export const productSettings = z.object({
  forecastWeeks: forecastWeeksSetting,
  attributionLookbackDays: attributionLookbackDaysSetting,
  slas: slaSettings,
});
export type ProductSettings = z.infer<typeof productSettings>;

/** The value type of every typed setting. Add a key here and in settingDefinitions. */
export interface SettingValues {
  slas: SlaSettings;
  sso: SsoSettings;
  retention: RetentionSettings;
  forecastWeeks: number;
  attributionLookbackDays: number;
  /** the permission matrix; a stored one is read leniently (auth/rights.ts normaliseMatrix) */
  permissions: PermissionMatrix;
}
export type SettingKey = keyof SettingValues;
export type SettingValue<K extends SettingKey> = SettingValues[K];

export const settingDefinitions: { [K in SettingKey]: { schema: z.ZodType<SettingValues[K]>; default: SettingValues[K] } } = {
  slas: {
    schema: slaSettings,
    default: { leadFollowUpHours: 24, onboardingStartHours: 7 * 24, ticketResolutionHours: 48 },
  },
  sso: { schema: ssoSettings, default: { groupsClaim: 'groups', mappings: [], passwordSignIn: true } },
  retention: { schema: retentionSettings, default: { enabled: false, days: 730 } },
  forecastWeeks: { schema: forecastWeeksSetting, default: 12 },
  attributionLookbackDays: { schema: attributionLookbackDaysSetting, default: 365 },
  permissions: { schema: z.unknown().transform(normaliseMatrix), default: defaultMatrix },
};

/** The stored value and its version (the row's updated_at in microseconds), or null when unset. */
async function readRow(db: Db, key: SettingKey): Promise<{ value: unknown; version: string } | null> {
  const [row] = await typedRows(
    db,
    sql`select value, (extract(epoch from updated_at) * 1000000)::bigint::text as version from settings where key = ${key}`,
    z.object({ value: z.unknown(), version: z.string() }),
  );
  return row ?? null;
}

function parseStored<K extends SettingKey>(key: K, stored: unknown): SettingValue<K> {
  const definition = settingDefinitions[key];
  const parsed = definition.schema.safeParse(typeof stored === 'string' ? JSON.parse(stored) : stored);
  return parsed.success ? parsed.data : definition.default;
}

/** The version of a setting (changes with every write), null when unset: a cheap check for caches. */
export async function settingVersion(db: Db, key: SettingKey): Promise<string | null> {
  const [row] = await typedRows(
    db,
    sql`select (select (extract(epoch from updated_at) * 1000000)::bigint::text from settings where key = ${key}) as version`,
    z.object({ version: z.string().nullable() }),
  );
  return row?.version ?? null;
}

/** A setting with its version, for a cache keyed by it. */
export async function getSettingVersioned<K extends SettingKey>(db: Db, key: K): Promise<{ value: SettingValue<K>; version: string | null }> {
  const row = await readRow(db, key);
  return row ? { value: parseStored(key, row.value), version: row.version } : { value: settingDefinitions[key].default, version: null };
}

export async function getSetting<K extends SettingKey>(db: Db, key: K): Promise<SettingValue<K>> {
  return (await getSettingVersioned(db, key)).value;
}

/** The settings of the admin settings page. */
export async function getProductSettings(db: Db): Promise<ProductSettings> {
  const [forecastWeeks, attributionLookbackDays, slas] = await Promise.all([
    getSetting(db, 'forecastWeeks'),
    getSetting(db, 'attributionLookbackDays'),
    getSetting(db, 'slas'),
  ]);
  return { forecastWeeks, attributionLookbackDays, slas };
}

/** Validates and stores the value; throws the zod error for an invalid one. */
export async function setSetting<K extends SettingKey>(db: Db, key: K, value: SettingValue<K>): Promise<SettingValue<K>> {
  const parsed = settingDefinitions[key].schema.parse(value);
  // clock_timestamp() rather than now(): two writes in one transaction still get two versions.
  await db.execute(sql`
    insert into settings (key, value, updated_at) values (${key}, ${jsonParam(parsed)}, clock_timestamp())
    on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`);
  return parsed;
}

/** Forgets a stored value: the setting reads as its default again. */
export async function resetSetting(db: Db, key: SettingKey): Promise<void> {
  await db.execute(sql`delete from settings where key = ${key}`);
}
