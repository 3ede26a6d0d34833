// The key that signs session cookies. NEXTAUTH_SECRET wins; without it (the embedded demo) a
// random secret is generated once and kept in `settings`, so that every process of the install
// shares it and sessions survive restarts. Nothing is hard-coded.
import { env } from '~/env';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { settings } from '~/server/db/schema';

const secretKey = 'authSecret';
let cached: Promise<string> | undefined;

export function getAuthSecret(db: Db): Promise<string> {
  const fromEnv = env().NEXTAUTH_SECRET;
  if (fromEnv) return Promise.resolve(fromEnv);
  cached ??= readOrCreateSecret(db).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function readOrCreateSecret(db: Db): Promise<string> {
  await db
    .insert(settings)
    .values({ key: secretKey, value: { secret: randomBytes(32).toString('base64url') } })
    .onConflictDoNothing();
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, secretKey));
  const secret = (row?.value as { secret?: unknown } | undefined)?.secret;
  if (typeof secret !== 'string' || secret.length < 32) throw new Error('stored auth secret is invalid');
  return secret;
}
