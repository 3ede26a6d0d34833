// Builds the app when needed, seeds a small deterministic demo into a fresh PGlite folder, then
// starts the production server of `npm start` (src/server/serve.ts) on a free port. The database is read and closed BEFORE the server starts:
// a PGlite folder can be opened by one process only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDemoUsers } from '~/server/auth/demoUsers';
import { openDb } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { stageCounts, type StageCount } from '~/server/metrics/funnel';
import { seedDemoDashboard } from '../seed/dashboards';
import { todayUtc } from '../seed/generate';
import { seedKpiTargets } from '../seed/kpiTargets';
import { seedDemo } from '../seed/seed';
import { startTestProvider } from '~/server/auth/testing/oidcProvider';

// E2E_DIST_DIR lets a run use its own build folder beside another run's.
export const e2eDistDir = process.env.E2E_DIST_DIR || '.next-e2e';
/** The browser tests' demo ends at the start of the test run's day (UTC), so every page shows current data. */
export const e2eDemo = { leads: 300, seed: 42, anchor: todayUtc() };
const e2ePassword = 'e2e-demo-password';

declare module 'vitest' {
  export interface ProvidedContext {
    /** e.g. http://127.0.0.1:43121 */
    baseUrl: string;
    /** password of every demo account (admin@demo.local ... viewer@demo.local) */
    demoPassword: string;
    /** the seven stage counts, read from the database before the server started */
    stageCounts: StageCount[];
    /** the demo's anchor, YYYY-MM-DD: no event after its midnight (UTC) */
    demoAnchor: string;
    /** the test identity provider the server signs in through (people: sam, in group "sales") */
    oidcIssuer: string;
  }
}

const root = process.cwd();
const watched = ['src', 'next.config.mjs', 'package-lock.json', 'tsconfig.json'];

function newestChange(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestChange(path.join(target, entry)));
  return newest;
}

/** Builds into .next-e2e unless a build newer than every source file is there. */
function buildIfStale(): void {
  const buildId = path.join(root, e2eDistDir, 'BUILD_ID');
  if (existsSync(buildId)) {
    const builtAt = statSync(buildId).mtimeMs;
    if (watched.every((p) => !existsSync(path.join(root, p)) || newestChange(path.join(root, p)) < builtAt)) return;
  }
  console.log(`building the app into ${e2eDistDir} ...`);
  const result = spawnSync(path.join(root, 'node_modules', '.bin', 'next'), ['build'], {
    stdio: 'inherit',
    env: { ...process.env, NEXT_DIST_DIR: e2eDistDir, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilServing(url: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with ${server.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/signin`, { redirect: 'manual' });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`next start did not answer within 90 s:\n${output()}`);
}

function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => process.kill(-server.pid!, 'SIGKILL'), 10_000);
    server.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    process.kill(-server.pid!, 'SIGTERM');
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildIfStale();

  const workDir = mkdtempSync(path.join(tmpdir(), 'rf-e2e-'));
  const pgliteDir = path.join(workDir, 'pglite');
  // E2E_DATABASE_URL: a database server (a Citus coordinator too) to hold the run's database
  // instead of a PGlite folder; the run creates its own database there and drops it afterwards.
  const server = process.env.E2E_DATABASE_URL ? await createTestDb(process.env.E2E_DATABASE_URL) : null;
  const handle = server ?? (await openDb({ dataDir: pgliteDir }));
  let counts: StageCount[];
  try {
    process.env.DEMO_PASSWORD = e2ePassword;
    await ensureDemoUsers(handle.db, () => {});
    await seedDemo(handle.db, e2eDemo);
    // What first start gives a new install besides the events: the demo KPI targets and dashboard.
    await seedKpiTargets(handle.db, new Date());
    await seedDemoDashboard(handle.db);
    counts = await stageCounts(handle.db);
  } finally {
    // A server database stays until the teardown; a PGlite folder must be free for the app.
    if (!server) await handle.close();
  }

  // E2E_PORT pins the server's port (on a shared machine each run keeps to its own range).
  const port = process.env.E2E_PORT ? Number(process.env.E2E_PORT) : await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // A real OpenID Connect provider for the single sign-on tests, asked again on every request.
  const identity = await startTestProvider({
    redirectUris: [`${baseUrl}/api/auth/callback/oidc`],
    people: { sam: { email: 'sam@corp.test', name: 'Sam Seller', groups: ['everyone', 'sales'] } },
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_DIST_DIR: e2eDistDir,
    PGLITE_DIR: pgliteDir,
    PORT: String(port),
    NEXTAUTH_URL: baseUrl,
    OIDC_ISSUER: identity.issuer,
    OIDC_CLIENT_ID: identity.clientId,
    OIDC_CLIENT_SECRET: identity.clientSecret,
    OIDC_NAME: 'Corp SSO',
    OIDC_RECHECK_SECONDS: '0',
  };
  if (server?.url) env.DATABASE_URL = server.url;
  else delete env.DATABASE_URL;
  let log = '';
  // Its own process group, so that stopping it stops whatever it started.
  // The production server of `npm start` (src/server/serve.ts): Next behind the socket-peer hop.
  const app = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['src/server/serve.ts', '-p', String(port), '-H', '127.0.0.1'], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  app.stdout?.on('data', keep);
  app.stderr?.on('data', keep);

  const teardown = async () => {
    await stop(app);
    await identity.close();
    await server?.close();
    if (process.env.E2E_SERVER_LOG) console.log(log);
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(baseUrl, app, () => log);
  } catch (error) {
    await teardown();
    throw error;
  }

  project.provide('baseUrl', baseUrl);
  project.provide('demoPassword', e2ePassword);
  project.provide('stageCounts', counts);
  project.provide('demoAnchor', e2eDemo.anchor.toISOString().slice(0, 10));
  project.provide('oidcIssuer', identity.issuer);
  return teardown;
}
