// Page benchmark: server response time of each dashboard page's HTML (signed in) and its
// first-load JS (gzip) on the demo data, against the budgets (<= 300 ms, <= 250 kB). Beside the
// whole response it times the page's heading (its <h1>) in the stream: how soon a reader sees the
// page while its panels stream in.
//
//   npm run bench:pages -- [--leads 5000] [--requests 30] [--role executive|admin]
//
// As the executive: every page of the navigation, the busiest account's page and the demo's shared
// dashboard (also in presentation view); as the admin (--role admin): the admin pages and the forms.
//
// Builds the app into .next-benchpages when sources changed, creates a fresh database on the local
// Postgres (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432), loads the demo with its
// KPI targets and demo users, starts `next start` against it, signs in, requests each page after a
// warm-up, and drops the database. First-load JS is every script the page's HTML loads, read from
// the build folder and gzipped, so it counts exactly what a browser fetches on a first visit.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import postgres from 'postgres';
import { ensureDemoUsers } from '~/server/auth/demoUsers';
import { role as roleSchema } from '~/server/auth/rights';
import { one, openDb, sql } from '~/server/db/client';
import { percentile } from '~/lib/stats';
import { seedDemoDashboard } from '../seed/dashboards';
import { seedKpiTargets } from '../seed/kpiTargets';
import { seedDemo } from '../seed/seed';
import { buildApp, buildIsCurrent, freePort, startServer } from './server';

const distDir = '.next-benchpages';
/** Every page a signed-in executive opens; the admin pages are measured as the admin (`--role admin`). */
const executivePages = [
  '/', '/funnel', '/sources', '/attribution', '/customers', '/forecast', '/plan', '/accountability', '/alerts',
  '/accounts', '/accounts/:account', '/dashboards', '/dashboards/:dashboard', '/dashboards/:dashboard?present=1',
];
const adminPages = [
  '/admin', '/admin/users', '/admin/permissions', '/admin/api-keys', '/admin/ingestion', '/admin/import',
  '/admin/settings', '/admin/privacy', '/admin/sso', '/admin/audit', '/import', '/dashboards/new',
];
const budget = { p95Ms: 300, firstLoadKb: 250 };

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '5000' },
    requests: { type: 'string', default: '30' },
    role: { type: 'string', default: 'executive' },
  },
});
const leads = Number(args.leads);
const requests = Number(args.requests);
const signInRole = roleSchema.parse(args.role);
// The server's address without a database name, whether or not BENCH_POSTGRES_URL names one.
const serverUrl = (() => {
  const url = new URL(process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432');
  url.pathname = '';
  return url.toString().replace(/\/$/, '');
})();
const password = 'bench-pages-password';

/** The session cookie of a credentials sign-in through next-auth's own endpoints. */
async function signIn(baseUrl: string, email: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/`, json: 'true' }),
  });
  keep(response);
  if (![...jar.keys()].some((k) => k.includes('session-token'))) throw new Error(`sign-in failed: HTTP ${response.status}`);
  return cookie();
}

interface PageResult {
  page: string;
  status: number;
  p50Ms: number;
  p95Ms: number;
  headingP95Ms: number | null;
  htmlKb: number;
  scripts: number;
  firstLoadKbGzip: number;
}

/** Scripts the HTML loads from the build (`/_next/static/...js`), gzipped and summed. */
function firstLoadJs(html: string): { scripts: number; kb: number } {
  const sources = new Set([...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]!));
  let bytes = 0;
  for (const src of sources) {
    const relative = decodeURIComponent(src.replace(/^.*?\/_next\//, ''));
    bytes += gzipSync(readFileSync(path.join(distDir, relative))).length;
  }
  return { scripts: sources.size, kb: bytes / 1024 };
}

async function measure(baseUrl: string, pathname: string, cookie: string): Promise<PageResult> {
  const get = async () => {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${pathname}`, { headers: { cookie }, redirect: 'manual' });
    const decoder = new TextDecoder();
    let html = '';
    let headingMs: number | null = null;
    const reader = response.body?.getReader();
    for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
      html += decoder.decode(read.value, { stream: true });
      if (headingMs === null && html.includes('<h1')) headingMs = performance.now() - started;
    }
    html += decoder.decode();
    return { ms: performance.now() - started, headingMs, status: response.status, html };
  };
  for (let i = 0; i < 3; i++) await get();
  const times: number[] = [];
  const headings: number[] = [];
  let last = await get();
  for (let i = 0; i < requests; i++) {
    last = await get();
    times.push(last.ms);
    if (last.headingMs !== null) headings.push(last.headingMs);
  }
  const js = firstLoadJs(last.html);
  return {
    page: pathname,
    status: last.status,
    p50Ms: percentile(times, 0.5)!,
    p95Ms: percentile(times, 0.95)!,
    headingP95Ms: percentile(headings, 0.95) ?? null,
    htmlKb: Buffer.byteLength(last.html) / 1024,
    scripts: js.scripts,
    firstLoadKbGzip: js.kb,
  };
}

async function main(): Promise<void> {
  if (!buildIsCurrent(distDir)) {
    console.log(`building the app into ${distDir} ...`);
    await buildApp(distDir);
  }
  const admin = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} });
  const database = `bench_pages_${process.pid}`;
  await admin.unsafe(`create database ${database}`);
  const databaseUrl = `${serverUrl}/${database}`;
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    const handle = await openDb({ url: databaseUrl });
    const ids = { account: '', dashboard: '' };
    try {
      process.env.DEMO_PASSWORD = password;
      await ensureDemoUsers(handle.db, () => {});
      const seeded = await seedDemo(handle.db, { leads });
      await seedKpiTargets(handle.db, new Date(`${seeded.anchor}T12:00:00Z`));
      const dashboard = await seedDemoDashboard(handle.db);
      // The account page of the account with the most journeys: the heaviest one a reader opens.
      const account = await one<{ account_id: string }>(
        handle.db,
        sql`select journey_account_id as account_id from leads where journey_account_id is not null
          group by 1 order by count(*) desc, 1 limit 1`,
      );
      ids.account = encodeURIComponent(account.account_id);
      ids.dashboard = dashboard ? String(dashboard.id) : '';
      console.log(`demo: ${seeded.leads.toLocaleString('en-US')} leads, ${seeded.events.toLocaleString('en-US')} events up to ${seeded.anchor}`);
    } finally {
      await handle.close();
    }
    server = await startServer({ distDir, databaseUrl, port: await freePort() });
    const cookie = await signIn(server.url, `${signInRole}@demo.local`);
    const results: PageResult[] = [];
    const pages = (signInRole === 'admin' ? adminPages : executivePages)
      .map((p) => p.replace(':account', ids.account).replace(':dashboard', ids.dashboard));
    for (const pathname of pages) results.push(await measure(server.url, pathname, cookie));

    console.log(`\nsigned in as ${signInRole}; ${requests} requests per page after 3 warm-up, one at a time; default filters (last 12 months); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    console.log('| page | status | p50 ms | p95 ms (budget <= 300) | heading p95 ms | HTML kB | scripts | first-load JS kB gzip (budget <= 250) |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of results) {
      const overTime = r.p95Ms > budget.p95Ms ? ', over' : '';
      const overJs = r.firstLoadKbGzip > budget.firstLoadKb ? ', over' : '';
      console.log(`| ${r.page} | ${r.status} | ${r.p50Ms.toFixed(0)} | ${r.p95Ms.toFixed(0)}${overTime} | ${r.headingP95Ms?.toFixed(0) ?? 'n/a'} | ${r.htmlKb.toFixed(0)} | ${r.scripts} | ${r.firstLoadKbGzip.toFixed(0)}${overJs} |`);
    }
    if (results.some((r) => r.status !== 200)) process.exitCode = 1;
  } finally {
    await server?.stop();
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
}

await main();
