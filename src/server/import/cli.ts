// npm run import -- --file F --kind K --mapping M.json [--tz Europe/Berlin]
//                   --resume ID   (goes on from the last committed row of an interrupted import)
//                   --list        (the latest imports)
// Imports a CSV file through the same code as Admin > Import, with a progress bar; Ctrl-C stops
// after the current batch, and the import can be resumed. (Run as `node --import tsx`, so that
// Ctrl-C reaches this process rather than a wrapper.)
import { checkEnv } from '~/env';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openDb } from '~/server/db/client';
import { kindNames, type Kind } from './kinds';
import { progressLine } from './progressBar';
import { createImport, ImportError, listImports, runImport, type ImportProgress, type ImportRow } from './run';

const usage = `usage: npm run import -- --file F --kind K --mapping M.json [--tz Europe/Berlin]
       npm run import -- --resume ID
       npm run import -- --list
kinds: ${kindNames.join(', ')}`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

function options() {
  try {
    return parseArgs({
      options: {
        file: { type: 'string' },
        kind: { type: 'string' },
        mapping: { type: 'string' },
        tz: { type: 'string' },
        resume: { type: 'string' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}

function readMapping(file: string, tz: string | undefined): { kind?: string; mapping: Record<string, unknown> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`--mapping ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail(`--mapping ${file} must hold a JSON object`);
  const mapping = { ...(parsed as Record<string, unknown>) };
  if (tz !== undefined) mapping.timeZone = tz;
  return { kind: typeof mapping.kind === 'string' ? mapping.kind : undefined, mapping };
}

function summary(row: ImportRow): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return (
    `import ${row.id} ${row.status}: ${n(row.rowsDone)} rows, ${n(row.events)} events; accepted ${n(row.accepted)}, ` +
    `duplicates ${n(row.duplicates)}, invalid rows ${n(row.invalidRows)}, skipped rows ${n(row.skippedRows)}` +
    (row.error ? `\n  ${row.error}` : '')
  );
}

async function main(): Promise<void> {
  const values = options();
  if (values.help) {
    console.log(usage);
    return;
  }
  const handle = await openDb({ url: checkEnv().DATABASE_URL });
  try {
    if (values.list) {
      for (const row of await listImports(handle.db, { limit: 20 })) {
        console.log(`${row.id}\t${row.startedAt.toISOString()}\t${row.who}\t${row.kind}\t${row.fileName}\t${summary(row).split(': ')[1]}`);
      }
      return;
    }
    let importId: number;
    if (values.resume !== undefined) {
      if (!/^\d+$/.test(values.resume)) fail('--resume must be an import id');
      importId = Number(values.resume);
    } else {
      if (!values.file) fail('--file is required');
      if (!values.mapping) fail('--mapping is required');
      const { kind: savedKind, mapping } = readMapping(values.mapping, values.tz);
      const kind = values.kind ?? savedKind;
      if (!kind || !(kindNames as readonly string[]).includes(kind)) fail(`--kind must be one of ${kindNames.join(', ')}`);
      try {
        const created = await createImport(handle.db, { file: values.file, kind: kind as Kind, mapping, who: `cli:${os.userInfo().username}` });
        importId = created.id;
      } catch (error) {
        if (error instanceof ImportError) fail([error.message, ...error.issues.map((i) => `  ${i.path}: ${i.message}`)].join('\n'));
        throw error;
      }
    }

    let stop = false;
    process.on('SIGINT', () => {
      if (stop) process.exit(130);
      stop = true;
      process.stderr.write(`\nstopping after this batch; resume with: npm run import -- --resume ${importId}\n`);
    });
    const tty = process.stderr.isTTY;
    let lastLog = 0;
    const onProgress = (p: ImportProgress) => {
      if (tty) process.stderr.write(`\r${progressLine(p)}\x1b[K`);
      else if (performance.now() - lastLog > 5000) {
        lastLog = performance.now();
        process.stderr.write(`${progressLine(p)}\n`);
      }
    };
    let result: ImportRow;
    try {
      result = await runImport(handle.db, importId, { onProgress, shouldStop: () => stop });
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      console.error(error.message);
      process.exitCode = 1;
      return;
    }
    if (tty) process.stderr.write('\n');
    console.log(summary(result));
    if (result.invalidRows > 0) console.log(`  the invalid rows: Admin > Import, or GET /api/import/${result.id}/invalid`);
    if (result.status === 'failed') process.exitCode = 1;
    if (result.status === 'cancelled') console.log(`  resume with: npm run import -- --resume ${result.id}`);
  } finally {
    await handle.close();
  }
}

await main();
