// A production server of its own for a browser test that changes what the shared one holds (an
// import, a live event) or needs an empty database: the same build, a fresh PGlite folder with
// the demo accounts and, when asked, a small demo.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ensureDemoUsers } from '~/server/auth/demoUsers';
import type { Role } from '~/server/auth/rights';
import { openDb, type Db } from '~/server/db/client';
import { e2eDistDir, freePort } from './globalSetup';

export interface OwnServer {
  baseUrl: string;
  password: string;
  url(pathname: string): string;
  /** signs in through the sign-in page as the demo account of a role; ends on `then` */
  signIn(page: Page, role: Role, then?: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the server once `prepare` has filled its database (the demo accounts are always there). */
export async function startOwnServer(name: string, prepare: (db: Db) => Promise<void> = async () => {}): Promise<OwnServer> {
  const password = `${name}-password`;
  const workDir = mkdtempSync(path.join(tmpdir(), `rf-${name}-`));
  const pgliteDir = path.join(workDir, 'pglite');
  const handle = await openDb({ dataDir: pgliteDir });
  try {
    process.env.DEMO_PASSWORD = password;
    await ensureDemoUsers(handle.db, () => {});
    await prepare(handle.db);
  } finally {
    await handle.close();
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NEXT_DIST_DIR: e2eDistDir, PGLITE_DIR: pgliteDir, PORT: String(port), NEXTAUTH_URL: baseUrl };
  delete env.DATABASE_URL;
  const server: ChildProcess = spawn(path.join(process.cwd(), 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], { env, detached: true, stdio: 'ignore' });
  const stop = async () => {
    if (server.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/signin`, { redirect: 'manual' })).status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the ${name} server did not start`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const url = (pathname: string) => new URL(pathname, baseUrl).toString();
  return {
    baseUrl,
    password,
    url,
    async signIn(page, role, then = '/') {
      await page.goto(url(then));
      await page.waitForURL(/\/signin/);
      await page.fill('#email', `${role}@demo.local`);
      await page.fill('#password', password);
      await page.click('button[type="submit"]');
      await page.waitForURL((current) => new URL(current).pathname === new URL(url(then)).pathname);
    },
    stop,
  };
}
