// Product settings, one typed JSON value per key in `settings`. Each key has a zod schema and a
// default; a missing or unreadable row reads as the default, and only valid values are written.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows, type Db } from '~/server/db/client';
import { jsonParam } from '~/server/db/params';
import { role } from '~/server/auth/rights';

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

/** The value type of every typed setting. Add a key here and in settingDefinitions. */
export interface SettingValues {
  slas: SlaSettings;
  sso: SsoSettings;
  retention: RetentionSettings;
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
};

export async function getSetting<K extends SettingKey>(db: Db, key: K): Promise<SettingValue<K>> {
  const definition = settingDefinitions[key];
  const [row] = await rows<{ value: unknown }>(db, sql`select value from settings where key = ${key}`);
  if (!row) return definition.default;
  const parsed = definition.schema.safeParse(typeof row.value === 'string' ? JSON.parse(row.value) : row.value);
  return parsed.success ? parsed.data : definition.default;
}

/** Validates and stores the value; throws the zod error for an invalid one. */
export async function setSetting<K extends SettingKey>(db: Db, key: K, value: SettingValue<K>): Promise<SettingValue<K>> {
  const parsed = settingDefinitions[key].schema.parse(value);
  await db.execute(sql`
    insert into settings (key, value, updated_at) values (${key}, ${jsonParam(parsed)}, now())
    on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`);
  return parsed;
}
