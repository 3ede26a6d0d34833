// First start (`npm start`, `npm run setup`): migrate the database, load the demo into an empty
// one, and build the app when no production build exists. Safe to run on every start.
import { checkEnv, env } from '~/env';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureDemoUsers } from '~/server/auth/demoUsers';
import { openDb, type Db, type DbHandle } from '~/server/db/client';
import { seedDemoDashboard } from './dashboards';
import type { DemoOptions } from './generate';
import { seedKpiTargets } from './kpiTargets';
import { isEventLogEmpty, seedDemo, type SeedSummary } from './seed';

/** Opens the configured database (DATABASE_URL, else the PGlite folder) and applies migrations. */
export function openMigratedDb(): Promise<DbHandle> {
  return openDb({ url: checkEnv().DATABASE_URL });
}

/** Seeds the demo when nothing was ever ingested; returns what it loaded, or null. */
export async function seedIfEmpty(db: Db, options: DemoOptions = {}): Promise<SeedSummary | null> {
  if (!(await isEventLogEmpty(db))) return null;
  return seedDemo(db, options);
}

export function distDir(): string {
  return path.resolve(process.env.NEXT_DIST_DIR || '.next');
}

export function hasProductionBuild(): boolean {
  return existsSync(path.join(distDir(), 'BUILD_ID'));
}

/** Runs `next build` unless a production build is there already; returns whether it built. */
export function buildIfMissing(): boolean {
  if (hasProductionBuild()) return false;
  const next = path.join(process.cwd(), 'node_modules', '.bin', 'next');
  const result = spawnSync(next, ['build'], { stdio: 'inherit', env: process.env });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
  return true;
}

async function main(): Promise<void> {
  const handle = await openMigratedDb();
  try {
    console.log(`database: ${handle.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : `PGlite in ${env().PGLITE_DIR ?? '.data/pglite'}`}, migrated`);
    const seeded = await seedIfEmpty(handle.db);
    if (seeded) {
      console.log(
        `seeded the demo: ${seeded.leads.toLocaleString('en-US')} leads, ${seeded.events.toLocaleString('en-US')} events ` +
          `up to ${seeded.anchor}, in ${(seeded.elapsedMs / 1000).toFixed(1)} s (API keys "Demo <department>")`,
      );
      // Aimed as of now: the targets show on track, at risk and off track when first looked at.
      const targets = await seedKpiTargets(handle.db, new Date());
      console.log(`created ${targets} demo KPI targets`);
    } else {
      console.log('events already ingested: demo not loaded');
    }

    await ensureDemoUsers(handle.db);
    if (seeded && (await seedDemoDashboard(handle.db))) console.log('created the demo dashboard, shared with executives');
    // Further first-start steps that need the database go here.
  } finally {
    // PGlite's folder can be opened by one process only: release it before `next start`.
    await handle.close();
  }

  if (buildIfMissing()) console.log(`built the app into ${distDir()}`);
  else console.log(`production build found in ${distDir()}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
