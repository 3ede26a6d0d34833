// npm run bench:import -- [--rows 1000000] [--keep-file] [--parse-only]
// Writes a HubSpot-shaped contacts export of --rows rows (quoted cells with commas, a few empty
// and invalid cells, European and US dates), imports it as leads into a fresh database (a new
// one on DATABASE_URL's server, else PGlite in a temporary folder), and prints rows/s and the
// peak RSS, sampled through the run to show that memory stays flat. It first reads and maps the
// whole file without the database, to tell the importer's own rate from the ingestion path's.
import { checkEnv } from '~/env';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { openDb, type DbHandle } from '~/server/db/client';
import { progressLine } from './progressBar';
import { mappingSchema } from './kinds';
import { detectFormat, readHead, readRecords } from './read';
import { rowMapper } from './rows';
import { createImport, runImport } from './run';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, 'keep-file': { type: 'boolean', default: false }, 'parse-only': { type: 'boolean', default: false } },
});
const total = Number(values.rows);
if (!Number.isInteger(total) || total < 1) throw new Error('--rows must be a whole number');

const benchMapping = {
  fields: { contactId: 'Record ID', createdAt: 'Create Date', email: 'Email', company: 'Company Name', source: 'Original Source', accountId: 'Associated Company IDs' },
};
const sources = ['Organic Search', 'Paid Search', 'Direct Traffic', 'Social Media', 'Referrals', 'Email Marketing', 'Offline Sources'];
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

async function writeFile(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('\uFEFFRecord ID,First Name,Last Name,Email,Create Date,Original Source,Company Name,Associated Company IDs\r\n');
  let chunk = '';
  for (let i = 1; i <= total; i++) {
    const day = new Date(Date.UTC(2023, 0, 1) + (i % 730) * 86_400_000).toISOString().slice(0, 10);
    const created = i % 1000 === 0 ? 'unknown' : `${day} ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    const company = i % 3 === 0 ? `"Company ${i % 5000}, Ltd."` : i % 3 === 1 ? '' : `Company ${i % 5000}`;
    chunk += `${i},First${i},Last${i},person${i}@example.com,${created},${sources[i % sources.length]},${company},${i % 5000}\r\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function freshDb(): Promise<{ handle: DbHandle; drop: () => Promise<void> }> {
  const serverUrl = checkEnv().DATABASE_URL;
  if (!serverUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rf-bench-import-db-'));
    const handle = await openDb({ dataDir: path.join(dir, 'pglite') });
    return { handle, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const name = `rf_bench_import_${process.pid}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({ url: url.toString(), max: 4 });
  return {
    handle,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'rf-bench-import-'));
const file = path.join(dir, 'contacts.csv');
let started = performance.now();
await writeFile(file);
const { size } = await stat(file);
console.log(`wrote ${total.toLocaleString('en-US')} rows (${mb(size)}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// The importer's own share: read, parse and map every row, without the database.
{
  const mapping = mappingSchema.parse(benchMapping);
  const format = await detectFormat(file);
  const { header } = await readHead(file, format, 0);
  const toEvents = rowMapper('leads', mapping, header);
  started = performance.now();
  let rows = 0;
  let events = 0;
  for await (const record of readRecords(file, format)) {
    if (record.row === 1) continue;
    rows += 1;
    events += toEvents(record.cells, record.row).events.length;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`parsed and mapped ${rows.toLocaleString('en-US')} rows into ${events.toLocaleString('en-US')} events without the database in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s, RSS ${mb(process.memoryUsage().rss)}`);
}

if (values['parse-only']) {
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
}

const { handle, drop } = await freshDb();
const rssSamples: { rows: number; rss: number }[] = [];
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 200);
try {
  const created = await createImport(handle.db, {
    file,
    kind: 'leads',
    who: 'bench',
    mapping: benchMapping,
  });
  started = performance.now();
  let nextSample = 0;
  const done = await runImport(handle.db, created.id, {
    onProgress: (p) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${progressLine(p)}\x1b[K`);
      if (p.rowsDone >= nextSample) {
        rssSamples.push({ rows: p.rowsDone, rss: process.memoryUsage().rss });
        nextSample += Math.max(1000, Math.floor(total / 10));
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(
    `imported into ${handle.kind}: ${done.rowsDone.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s = ` +
      `${Math.round(done.rowsDone / seconds).toLocaleString('en-US')} rows/s; accepted ${done.accepted}, invalid rows ${done.invalidRows}, status ${done.status}`,
  );
  console.log(`RSS while importing: ${rssSamples.map((s) => `${s.rows.toLocaleString('en-US')} rows ${mb(s.rss)}`).join(', ')}`);
  console.log(`peak RSS ${mb(peak)}`);
} finally {
  clearInterval(sampler);
  await handle.close();
  await drop();
  if (!values['keep-file']) await rm(dir, { recursive: true, force: true });
  else console.log(`kept ${file}`);
}
