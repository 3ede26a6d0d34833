// A fresh database per test file: in-memory PGlite, or a new database on the DATABASE_URL server
// that is dropped afterwards. On a Citus coordinator the new database is a cluster of its own
// (serverDb.ts), copied from a template cluster database that was migrated and placed by the map
// once per schema (making, joining and placing a cluster database per file takes 10-30 s; a copy
// about a second).
import { env } from '~/env';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { migrationsFolder, openDb, type DbHandle } from './client';
import { distribution } from './distribution';
import { clusterWorkers, createServerDatabase, dropServerDatabase, templateDatabase } from './serverDb';

export type { DbHandle };

/** A test database; `url` names it when it lives on a server (for a server process to open). */
export type TestDb = DbHandle & { url?: string };

// Four shards a distributed table (32 by default) and as many connections to a worker per
// statement: small fixtures, test files side by side, and still every statement crosses shards
// and workers.
const citusSettings = { 'citus.shard_count': '4', 'citus.max_adaptive_executor_pool_size': '4' };

const TEMPLATE_FAMILY = 'rf_template_';

/** The template's name: changes with the migrations, the distribution map and the settings. */
function templateName(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else hash.update(entry.name).update(readFileSync(file));
    }
  };
  walk(migrationsFolder);
  hash.update(JSON.stringify(distribution)).update(JSON.stringify(citusSettings));
  return `${TEMPLATE_FAMILY}${hash.digest('hex').slice(0, 16)}`;
}

async function migrated(url: string): Promise<void> {
  const handle = await openDb({ url, max: 1 });
  await handle.close();
}

/** A new cluster database on a Citus coordinator: a copy of the current template. */
async function copyOfTemplate(serverUrl: string, name: string): Promise<string> {
  const template = templateName();
  for (let attempt = 0; ; attempt++) {
    await templateDatabase(serverUrl, template, TEMPLATE_FAMILY, migrated, { citusSettings });
    try {
      return await createServerDatabase(serverUrl, name, { template, citusSettings });
    } catch (error) {
      // Dropped meanwhile by a run of another schema on the same cluster: make it again.
      await dropServerDatabase(serverUrl, name);
      if ((error as { code?: string }).code !== '3D000' || attempt > 0) throw error;
    }
  }
}

export async function createTestDb(serverUrl = env().DATABASE_URL): Promise<TestDb> {
  if (!serverUrl) return openDb({ dataDir: 'memory' });

  const name = `rf_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = (await clusterWorkers(serverUrl))
    ? await copyOfTemplate(serverUrl, name)
    : await createServerDatabase(serverUrl, name);
  const handle = await openDb({ url, max: 4 });
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      await dropServerDatabase(serverUrl, name);
    },
  };
}
