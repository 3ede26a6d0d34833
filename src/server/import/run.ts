// Runs an import: reads the file's records in batches of 1,000, turns rows into events, sends
// them through the ingestion path under the department's Import key, and commits the progress
// after every batch, so that an interrupted import resumes from its last committed row.
import { env } from '~/env';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, desc, eq, gt, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { apiKeys, importErrors, imports } from '~/server/db/schema';
import { createApiKey } from '~/server/ingest/apiKeys';
import type { Department } from '~/server/ingest/catalogue';
import { ingestEvents, MAX_EVENTS_PER_BATCH, type Sender } from '~/server/ingest/ingest';
import { applyPending } from '~/server/projector/projector';
import { checkMapping, kinds, mappingSchema, type Kind, type Mapping, type MappingIssue } from './kinds';
import { detectFormat, fingerprint, readHead, readRecords, type FileFormat } from './read';
import { rowMapper, type RowError, type RowResult, type WireEvent } from './rows';

export const IMPORT_BATCH_ROWS = 1000;
/** How long a running import is held by its process without a committed batch; then it counts as interrupted. */
export const IMPORT_LEASE_MS = 60_000;
export const IMPORT_KEY_NAME = 'Import';

/** Where uploaded files wait for their import; they are removed when it is done. */
export const uploadDir = (): string => env().IMPORT_UPLOAD_DIR ?? path.join(os.tmpdir(), 'revenue-funnel-uploads');

export class ImportError extends Error {
  constructor(
    message: string,
    readonly issues: MappingIssue[] = [],
  ) {
    super(message);
  }
}

export type ImportRow = typeof imports.$inferSelect;

/** The department's Import key, created on first use: every import of a department shares it, so a re-import is all duplicates. */
export async function importSender(db: Db, department: Department): Promise<Sender> {
  const [existing] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.name, IMPORT_KEY_NAME), eq(apiKeys.department, department), isNull(apiKeys.revokedAt)))
    .orderBy(apiKeys.id)
    .limit(1);
  const apiKeyId = existing?.id ?? (await createApiKey(db, { department, name: IMPORT_KEY_NAME })).id;
  return { apiKeyId, department };
}

export interface Prepared {
  format: FileFormat;
  header: string[];
  mapping: Mapping;
}

/** Reads the file's format and header and checks the mapping against them. */
export async function prepare(file: string, kindName: Kind, mappingInput: unknown): Promise<Prepared> {
  const parsed = mappingSchema.safeParse(mappingInput);
  if (!parsed.success) {
    throw new ImportError('The mapping is not valid.', parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  }
  const mapping = parsed.data;
  const detected = await detectFormat(file);
  const format: FileFormat = { encoding: mapping.encoding ?? detected.encoding, delimiter: mapping.delimiter ?? detected.delimiter };
  const { header } = await readHead(file, format, 0);
  const issues = checkMapping(kindName, mapping, header);
  if (issues.length > 0) throw new ImportError('The mapping does not fit the file.', issues);
  return { format, header, mapping };
}

export interface PreviewRow extends RowResult {
  row: number;
  cells: string[];
}

/** The first rows as the events they become, without writing anything. */
export async function previewImport(file: string, kindName: Kind, mappingInput: unknown, limit = 20): Promise<{ header: string[]; rows: PreviewRow[] }> {
  const { format, header, mapping } = await prepare(file, kindName, mappingInput);
  const toEvents = rowMapper(kindName, mapping, header);
  const { records } = await readHead(file, format, limit);
  return { header, rows: records.map((r) => ({ row: r.row, cells: r.cells, ...toEvents(r.cells, r.row) })) };
}

export interface NewImport {
  file: string;
  fileName?: string;
  kind: Kind;
  mapping: unknown;
  who: string;
  userId?: number | null;
}

/** Records an import (status running, nothing read yet) after checking its mapping against the file. */
export async function createImport(db: Db, input: NewImport): Promise<ImportRow> {
  const { mapping } = await prepare(input.file, input.kind, input.mapping);
  const print = await fingerprint(input.file);
  const [row] = await db
    .insert(imports)
    .values({
      kind: input.kind,
      department: kinds[input.kind].department,
      fileName: input.fileName ?? path.basename(input.file),
      filePath: path.resolve(input.file),
      fileBytes: print.bytes,
      fileFingerprint: print.fingerprint,
      mapping,
      status: 'running',
      // Held for its first runner (none yet): running until then, interrupted if none comes.
      leaseUntil: new Date(Date.now() + IMPORT_LEASE_MS),
      userId: input.userId ?? null,
      who: input.who,
    })
    .returning();
  return row!;
}

export interface ImportProgress {
  importId: number;
  rowsDone: number;
  bytesDone: number;
  fileBytes: number;
  events: number;
  accepted: number;
  duplicates: number;
  invalidRows: number;
  skippedRows: number;
  /** rows per second in this run */
  rowsPerSecond: number;
  /** seconds left at this run's byte rate; null before the first batch */
  etaSeconds: number | null;
}

export interface RunOptions {
  /** asked between batches; true stops the run as cancelled (it can be resumed) */
  shouldStop?: () => boolean | Promise<boolean>;
  onProgress?: (progress: ImportProgress) => void;
  batchRows?: number;
}

export async function getImport(db: Db, id: number): Promise<ImportRow | null> {
  const [row] = await db.select().from(imports).where(eq(imports.id, id)).limit(1);
  return row ?? null;
}

function progressOf(row: ImportRow, rowsThisRun: number, bytesThisRun: number, ms: number): ImportProgress {
  const seconds = Math.max(ms / 1000, 0.001);
  const byteRate = bytesThisRun / seconds;
  return {
    importId: row.id,
    rowsDone: row.rowsDone,
    bytesDone: row.bytesDone,
    fileBytes: row.fileBytes,
    events: row.events,
    accepted: row.accepted,
    duplicates: row.duplicates,
    invalidRows: row.invalidRows,
    skippedRows: row.skippedRows,
    rowsPerSecond: rowsThisRun / seconds,
    etaSeconds: byteRate > 0 ? Math.max(0, (row.fileBytes - row.bytesDone) / byteRate) : null,
  };
}

/**
 * Runs (or resumes) an import to its end, a stop, or a failure, and returns its final row.
 * Rows up to `rowsDone` were committed before and are skipped; so are events already stored,
 * by their ids.
 */
export async function runImport(db: Db, importId: number, options: RunOptions = {}): Promise<ImportRow> {
  const loaded = await getImport(db, importId);
  if (!loaded) throw new ImportError(`No import ${importId}.`);
  if (loaded.status === 'done') return loaded;
  if (!loaded.filePath) throw new ImportError(`Import ${importId} has no file to read any more.`);
  const runner = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  const lease = () => new Date(Date.now() + IMPORT_LEASE_MS);
  // One process at a time: the import is claimed unless another runner holds a live lease on it.
  const [claimed] = await db
    .update(imports)
    .set({ status: 'running', runner, leaseUntil: lease(), error: null, updatedAt: new Date() })
    .where(and(eq(imports.id, importId), ne(imports.status, 'done'), or(isNull(imports.runner), isNull(imports.leaseUntil), lt(imports.leaseUntil, new Date()))))
    .returning();
  if (!claimed) throw new ImportError(`Import ${importId} is running in another process.`);
  let current: ImportRow = claimed;
  const file = loaded.filePath;
  const kindName = current.kind as Kind;
  const batchRows = options.batchRows ?? IMPORT_BATCH_ROWS;
  const mine = and(eq(imports.id, importId), eq(imports.runner, runner));
  const release = { runner: null, leaseUntil: null, updatedAt: new Date() };
  try {
    const print = await fingerprint(file).catch(() => null);
    if (!print || print.fingerprint !== current.fileFingerprint) {
      throw new ImportError(`The file ${current.fileName} is missing or has changed since the import started.`);
    }
    const { format, header, mapping } = await prepare(file, kindName, current.mapping);
    const toEvents = rowMapper(kindName, mapping, header);
    const sender = await importSender(db, kinds[kindName].department);
    // Reasons written by a batch whose progress was not committed are written again.
    const resumeAfter = current.rowsDone + 1;
    await db.delete(importErrors).where(and(eq(importErrors.importId, importId), gt(importErrors.row, resumeAfter)));

    const started = performance.now();
    const bytesAtStart = current.bytesDone;
    let rowsThisRun = 0;
    const records = readRecords(file, format);
    let batch: { row: number; cells: string[] }[] = [];

    const commit = async () => {
      const events: WireEvent[] = [];
      const errors: RowError[] = [];
      let skipped = 0;
      let invalid = 0;
      for (const record of batch) {
        const result = toEvents(record.cells, record.row);
        events.push(...result.events);
        if (result.errors.length > 0) {
          invalid += 1;
          errors.push(...result.errors);
        } else if (result.skipped) skipped += 1;
      }
      let accepted = 0;
      let duplicates = 0;
      for (let i = 0; i < events.length; i += MAX_EVENTS_PER_BATCH) {
        const result = await ingestEvents(db, sender, events.slice(i, i + MAX_EVENTS_PER_BATCH));
        accepted += result.accepted;
        duplicates += result.duplicates;
      }
      const lastRow = batch[batch.length - 1]!.row;
      const bytesDone = Math.min(records.bytesRead(), current.fileBytes);
      rowsThisRun += batch.length;
      const updated = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(imports)
          .set({
            rowsDone: lastRow - 1,
            bytesDone,
            events: sql`${imports.events} + ${events.length}`,
            accepted: sql`${imports.accepted} + ${accepted}`,
            duplicates: sql`${imports.duplicates} + ${duplicates}`,
            invalidRows: sql`${imports.invalidRows} + ${invalid}`,
            skippedRows: sql`${imports.skippedRows} + ${skipped}`,
            leaseUntil: lease(),
            updatedAt: new Date(),
          })
          .where(mine)
          .returning();
        if (!row) throw new ImportError(`Import ${importId} was taken over by another process.`);
        if (errors.length > 0) await tx.insert(importErrors).values(errors.map((e) => ({ importId, ...e })));
        return row;
      });
      current = updated;
      batch = [];
      options.onProgress?.(progressOf(updated, rowsThisRun, updated.bytesDone - bytesAtStart, performance.now() - started));
    };

    // Stops when the caller asks, or when someone asked through the table (status 'cancelling').
    const stopAsked = async () => current.status === 'cancelling' || (options.shouldStop !== undefined && (await options.shouldStop()));
    let stopped = false;
    for await (const record of records) {
      // The header is row 1; data rows committed before are passed over.
      if (record.row <= resumeAfter) continue;
      batch.push(record);
      if (batch.length >= batchRows) {
        await commit();
        if (await stopAsked()) {
          stopped = true;
          break;
        }
      }
    }
    if (!stopped && batch.length > 0) await commit();
    // What was stored is applied now when no projector is busy (a command-line import has none);
    // otherwise the running projector applies it.
    await applyPending(db);
    // An uploaded file is kept until its import is done; a file named on the command line is the user's.
    const uploaded = path.dirname(file) === path.resolve(uploadDir());
    const finished = stopped
      ? { ...release, status: 'cancelled' }
      : { ...release, status: 'done', finishedAt: new Date(), bytesDone: current.fileBytes, ...(uploaded ? { filePath: null } : {}) };
    current = (await db.update(imports).set(finished).where(mine).returning())[0] ?? current;
    if (!stopped) {
      if (uploaded) await rm(file, { force: true });
      options.onProgress?.(progressOf(current, rowsThisRun, current.bytesDone - bytesAtStart, performance.now() - started));
    }
    return current;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const [failed] = await db
      .update(imports)
      .set({ ...release, status: 'failed', error: message })
      .where(mine)
      .returning();
    if (error instanceof ImportError) return failed ?? current;
    throw error;
  }
}

/** Asks an import to stop: one whose process is gone stops at once, a running one after its batch. */
export async function cancelImport(db: Db, importId: number): Promise<void> {
  // The lease is the app's clock, as where it is taken; a parameter, not now(), which a Citus
  // cluster refuses in a CASE of an update.
  const now = new Date();
  await db
    .update(imports)
    .set({
      status: sql`case when ${imports.leaseUntil} is not null and ${imports.leaseUntil} >= ${now.toISOString()}::timestamptz then 'cancelling' else 'cancelled' end`,
      updatedAt: now,
    })
    .where(and(eq(imports.id, importId), sql`${imports.status} in ('running', 'cancelling')`));
}

/** Whether a running import's process still holds it. */
export function isLive(row: Pick<ImportRow, 'leaseUntil'>, now = new Date()): boolean {
  return row.leaseUntil !== null && row.leaseUntil >= now;
}

/** The most recent imports first, optionally of some departments only. */
export async function listImports(db: Db, options: { departments?: readonly string[]; limit?: number } = {}): Promise<ImportRow[]> {
  const where = options.departments ? inArray(imports.department, [...options.departments]) : undefined;
  return db
    .select()
    .from(imports)
    .where(where)
    .orderBy(desc(imports.startedAt), desc(imports.id))
    .limit(options.limit ?? 50);
}

/** An import's invalid rows by row and column, in pages for a download of any size. */
export async function importErrorPage(db: Db, importId: number, afterId: number, limit: number): Promise<(typeof importErrors.$inferSelect)[]> {
  return db
    .select()
    .from(importErrors)
    .where(and(eq(importErrors.importId, importId), gt(importErrors.id, afterId)))
    .orderBy(importErrors.id)
    .limit(limit);
}
