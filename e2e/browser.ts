// Debian's chromium driven by playwright-core, and the steps every browser test shares.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
import type { Role } from '~/server/auth/rights';

export const artifactsDir = path.join(process.cwd(), 'e2e', 'artifacts');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export function url(pathname: string): string {
  return new URL(pathname, inject('baseUrl')).toString();
}

/** Signs in through the sign-in page as the demo account of a role; ends on `then`. */
export async function signIn(page: Page, role: Role, then = '/'): Promise<void> {
  await page.goto(url(then));
  await page.waitForURL(/\/signin/);
  await page.fill('#email', `${role}@demo.local`);
  await page.fill('#password', inject('demoPassword'));
  await page.click('button[type="submit"]');
  await page.waitForURL((current) => new URL(current).pathname === new URL(url(then)).pathname);
}

/** Saves a full-page screenshot to e2e/artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The 12 months up to the demo's anchor: as a custom-range query string (last day inclusive) and as a [from, to) range. */
export function demoYear(): { yearQuery: string; year: { from: string; to: string } } {
  const anchor = new Date(`${inject('demoAnchor')}T00:00:00Z`);
  const from = new Date(Date.UTC(anchor.getUTCFullYear() - 1, anchor.getUTCMonth(), anchor.getUTCDate()));
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const lastDay = day(new Date(anchor.getTime() - 86_400_000));
  return { yearQuery: `range=custom&from=${day(from)}&to=${lastDay}`, year: { from: day(from), to: day(anchor) } };
}
