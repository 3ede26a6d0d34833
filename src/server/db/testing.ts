// A fresh database per test file: in-memory PGlite, or a new database on the DATABASE_URL server
// that is dropped afterwards.
import { env } from '~/env';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDb, type DbHandle } from './client';

export type { DbHandle };

export async function createTestDb(): Promise<DbHandle> {
  const serverUrl = env().DATABASE_URL;
  if (!serverUrl) return openDb({ dataDir: 'memory' });

  const name = `rf_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({ url: url.toString(), max: 4 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
