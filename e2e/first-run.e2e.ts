// A fresh install without demo data: its own `next start` (the same build) on an empty PGlite
// folder with only the demo accounts. The Overview is the getting-started page: the viewer sees the
// commands with a placeholder key; the admin creates a key on the page, runs the curl command it
// shows (this server's address, that key) and the page turns into the Overview with the event in.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '~/server/auth/demoUsers';
import type { Role } from '~/server/auth/rights';
import { openDb } from '~/server/db/client';
import { seriousViolations } from './axe';
import { launchBrowser, screenshot } from './browser';
import { e2eDistDir } from './globalSetup';

const password = 'first-run-password';
let browser: Browser;
let server: ChildProcess;
let baseUrl: string;
let workDir: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'rf-first-run-'));
  const pgliteDir = path.join(workDir, 'pglite');
  const handle = await openDb({ dataDir: pgliteDir });
  try {
    process.env.DEMO_PASSWORD = password;
    await ensureDemoUsers(handle.db, () => {});
  } finally {
    await handle.close();
  }
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NEXT_DIST_DIR: e2eDistDir, PGLITE_DIR: pgliteDir, PORT: String(port), NEXTAUTH_URL: baseUrl };
  delete env.DATABASE_URL;
  server = spawn(path.join(process.cwd(), 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], { env, detached: true, stdio: 'ignore' });
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/signin`, { redirect: 'manual' })).status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the first-run server did not start');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    process.kill(-server.pid, 'SIGTERM');
    await exited;
  }
  rmSync(workDir, { recursive: true, force: true });
});

async function signedIn(role: Role, width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.waitForURL(/\/signin/);
  await page.fill('#email', `${role}@demo.local`);
  await page.fill('#password', password);
  await page.click('button[type="submit"]');
  await page.waitForURL((current) => new URL(current).pathname === '/');
  return page;
}

describe('First run without demo data', () => {
  it('shows the viewer how to send events, with this server\'s address and a placeholder key', async () => {
    const page = await signedIn('viewer', 768);
    await page.getByRole('heading', { level: 1, name: 'Getting started' }).waitFor();
    const curl = await page.locator('[data-snippet="curl"]').innerText();
    expect(curl).toContain(`'${baseUrl}/api/ingest/marketing'`);
    expect(curl).toContain('Bearer YOUR_API_KEY');
    expect(await page.locator('[data-snippet="segment"]').innerText()).toContain(`host: "${baseUrl}"`);
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'first-run-viewer-768');
    await page.context().close();
  });

  it('lets the admin create a key whose curl command works, and then shows the Overview', async () => {
    const page = await signedIn('admin', 1366);
    await page.getByRole('heading', { level: 1, name: 'Getting started' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.selectOption('#first-key-department', 'sales');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.locator('[data-created-key="sales"]').waitFor();
    const curl = await page.locator('[data-snippet="curl"]').innerText();
    expect(curl).not.toContain('YOUR_API_KEY');
    expect(curl).toContain(`'${baseUrl}/api/ingest/sales'`);
    await screenshot(page, 'first-run-admin-1366');

    const { stdout } = await promisify(execFile)('sh', ['-c', curl]);
    expect(JSON.parse(stdout)).toMatchObject({ accepted: 1, rejected: [] });
    // The page notices the first event by itself and becomes the Overview.
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'first-run-admin-after-1366');
    await page.context().close();
  });
});
