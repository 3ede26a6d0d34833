// npm run seed -- [--leads N] [--seed S] [--anchor YYYY-MM-DD] [--out file.ndjson]
// Ingests the deterministic demo into the database, or writes it as NDJSON lines
// {department, event} with --out (how a million-lead file is produced without a database).
import { checkEnv } from '~/env';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDb } from '~/server/db/client';
import { progressWriter } from '~/lib/progress';
import { retryWhileUnreachable, runCli } from '~/server/db/retry';
import { generateDemo, type DemoOptions } from './generate';
import { importOlist } from './olist';
import { seedDemo } from './seed';

const usage = `usage: npm run seed -- [--leads N] [--seed S] [--anchor YYYY-MM-DD] [--out file.ndjson]
       npm run seed -- --olist   (imports the Olist marketing funnel data set)`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) fail(`--${name} must be a whole number`);
  return Number(value);
}

function parseOptions(): { demo: DemoOptions; out?: string; olist: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        leads: { type: 'string' },
        seed: { type: 'string' },
        anchor: { type: 'string' },
        out: { type: 'string' },
        olist: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  let anchor: Date | undefined;
  if (values.anchor !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.anchor)) fail('--anchor must be a date, YYYY-MM-DD');
    anchor = new Date(`${values.anchor}T00:00:00Z`);
    if (Number.isNaN(anchor.getTime())) fail('--anchor must be a valid date');
  }
  const leads = wholeNumber(values.leads, 'leads');
  if (leads !== undefined && leads < 1) fail('--leads must be at least 1');
  return { demo: { leads, seed: wholeNumber(values.seed, 'seed'), anchor }, out: values.out, olist: values.olist };
}

function rate(events: number, ms: number): string {
  return `${Math.round(events / Math.max(ms / 1000, 0.001)).toLocaleString('en-US')} events/s`;
}

async function writeNdjson(file: string, options: DemoOptions): Promise<void> {
  const started = performance.now();
  const stream = createWriteStream(file);
  let events = 0;
  for (const batch of generateDemo(options)) {
    let chunk = '';
    for (const event of batch.events) chunk += `${JSON.stringify({ department: batch.department, event })}\n`;
    events += batch.events.length;
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  const ms = performance.now() - started;
  console.log(`wrote ${events.toLocaleString('en-US')} events to ${file} in ${(ms / 1000).toFixed(1)} s (${rate(events, ms)})`);
}

async function main(): Promise<void> {
  const { demo, out, olist } = parseOptions();
  if (olist && (out || demo.leads !== undefined || demo.seed !== undefined || demo.anchor !== undefined)) {
    fail('--olist takes no other option');
  }
  if (out) return writeNdjson(out, demo);

  const handle = await retryWhileUnreachable(() => openDb({ url: checkEnv().DATABASE_URL }), { what: 'open the database' });
  try {
    if (olist) {
      const started = performance.now();
      const summary = await importOlist(handle.db);
      const ms = performance.now() - started;
      console.log(
        `imported Olist into ${handle.kind}: ${summary.leads.toLocaleString('en-US')} leads, ${summary.deals.toLocaleString('en-US')} deals, ` +
          `${summary.events.toLocaleString('en-US')} events in ${(ms / 1000).toFixed(1)} s (${rate(summary.events, ms)}); ` +
          `accepted ${summary.accepted}, duplicates ${summary.duplicates}, rejected ${summary.rejected}`,
      );
      return;
    }
    const progress = progressWriter();
    const summary = await seedDemo(handle.db, demo, (figures) => {
      progress.update({ done: figures.events, total: null, unit: `events stored (${figures.applied.toLocaleString('en-US')} applied)` });
    });
    progress.done(`stored and applied ${summary.events.toLocaleString('en-US')} events`);
    console.log(
      `seeded ${summary.leads.toLocaleString('en-US')} leads (seed ${summary.seed}, anchor ${summary.anchor}) into ${handle.kind}: ` +
        `${summary.events.toLocaleString('en-US')} events in ${(summary.elapsedMs / 1000).toFixed(1)} s (${rate(summary.events, summary.elapsedMs)})`,
    );
    console.log(
      `  accepted ${summary.accepted}, duplicates ${summary.duplicates}, rejected ${summary.rejected}; ` +
        Object.entries(summary.byDepartment)
          .map(([department, count]) => `${department} ${count}`)
          .join(', '),
    );
  } finally {
    await handle.close();
  }
}

await runCli(main);
