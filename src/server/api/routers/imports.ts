// CSV imports: inspect an uploaded file, preview its first rows as events, start, follow, stop and
// resume an import, and its history. An admin imports every kind; a department role the kinds of
// its own department's events (src/server/import/access.ts). Files come in through
// POST /api/import/upload; invalid rows go out through GET /api/import/[id]/invalid.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { audit } from '~/server/auth/audit';
import { importableKinds, visibleDepartments } from '~/server/import/access';
import { startJob } from '~/server/import/jobs';
import { kind, kinds, kindNames, suggestMapping, type Kind } from '~/server/import/kinds';
import { detectFormat, readHead } from '~/server/import/read';
import { cancelImport, createImport, getImport, ImportError, isLive, listImports, previewImport, type ImportRow } from '~/server/import/run';
import { existingUpload, UploadError } from '~/server/import/uploads';
import { suggestDateOrder } from '~/server/import/values';
import { authedProcedure, createTRPCRouter, type AuthedContext } from '../trpc';

// Everyone signed in may open the import page; what they may import is checked per kind.
const signedIn = authedProcedure.need('viewDashboards');
const uploadId = z.string().uuid();
const id = z.number().int().positive();

function mayImport(ctx: Pick<AuthedContext, 'user' | 'rights'>, k: Kind): void {
  if (!importableKinds(ctx.user, ctx.rights).includes(k)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `Your role may not import ${kinds[k].label.toLowerCase()}.` });
  }
}

async function upload(idValue: string): Promise<string> {
  try {
    return await existingUpload(idValue);
  } catch (error) {
    if (error instanceof UploadError) throw new TRPCError({ code: error.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', message: error.message });
    throw error;
  }
}

function badMapping(error: unknown): never {
  if (error instanceof ImportError) {
    const detail = error.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new TRPCError({ code: 'BAD_REQUEST', message: detail ? `${error.message} ${detail}` : error.message });
  }
  throw error;
}

export type ImportStatus = 'running' | 'stopping' | 'interrupted' | 'done' | 'failed' | 'cancelled';

/** An import as the page shows it; 'interrupted' is a run whose process ended before it did. */
export function importView(row: ImportRow) {
  const running = row.status === 'running' || row.status === 'cancelling';
  const status: ImportStatus = running && !isLive(row) ? 'interrupted' : row.status === 'cancelling' ? 'stopping' : (row.status as ImportStatus);
  const seconds = Math.max(((row.finishedAt ?? row.updatedAt).getTime() - row.startedAt.getTime()) / 1000, 0.001);
  const byteRate = row.bytesDone / seconds;
  return {
    id: row.id,
    kind: row.kind as Kind,
    kindLabel: kinds[row.kind as Kind]?.label ?? row.kind,
    department: row.department,
    fileName: row.fileName,
    who: row.who,
    status,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    rowsDone: row.rowsDone,
    bytesDone: row.bytesDone,
    fileBytes: row.fileBytes,
    events: row.events,
    accepted: row.accepted,
    duplicates: row.duplicates,
    invalidRows: row.invalidRows,
    skippedRows: row.skippedRows,
    rowsPerSecond: row.rowsDone / seconds,
    etaSeconds: status === 'running' && byteRate > 0 ? (row.fileBytes - row.bytesDone) / byteRate : null,
    resumable: (status === 'interrupted' || status === 'cancelled' || status === 'failed') && row.filePath !== null,
    error: row.error,
  };
}

async function visibleImport(ctx: AuthedContext, importId: number): Promise<ImportRow> {
  const row = await getImport(ctx.db, importId);
  const departments = visibleDepartments(ctx.user, ctx.rights);
  if (!row || (departments !== null && !departments.includes(row.department))) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such import.' });
  return row;
}

const mappingInput = z.record(z.string(), z.unknown());

export const importsRouter = createTRPCRouter({
  /** The kinds this user may import, with their fields. */
  options: signedIn.query(({ ctx }) => {
    const allowed = importableKinds(ctx.user, ctx.rights);
    return {
      kinds: kindNames
        .filter((k) => allowed.includes(k))
        .map((k) => ({ name: k, label: kinds[k].label, department: kinds[k].department, keyField: kinds[k].keyField, fields: kinds[k].fields.map(({ synonyms: _s, ...f }) => f) })),
    };
  }),

  /** An uploaded file's format, header, first rows, and the mapping its header suggests. */
  inspect: signedIn.input(z.object({ uploadId, kind })).query(async ({ ctx, input }) => {
    mayImport(ctx, input.kind);
    const file = await upload(input.uploadId);
    const format = await detectFormat(file);
    const { header, records } = await readHead(file, format, 50);
    const suggestion = suggestMapping(input.kind, header);
    const dateColumns = kinds[input.kind].fields.filter((f) => f.type === 'date').flatMap((f) => suggestion.fields[f.name]?.columns ?? []);
    const samples = records.flatMap((r) => dateColumns.map((c) => r.cells[header.indexOf(c)] ?? ''));
    return {
      ...format,
      header,
      sample: records.slice(0, 5).map((r) => r.cells),
      preset: suggestion.preset,
      fields: suggestion.fields,
      dateOrder: suggestDateOrder(samples, suggestion.preset === 'hubspot' || suggestion.preset === 'salesforce' ? 'mdy' : 'dmy'),
    };
  }),

  /** The first 20 rows as the events they become; nothing is written. */
  preview: signedIn.input(z.object({ uploadId, kind, mapping: mappingInput })).query(async ({ ctx, input }) => {
    mayImport(ctx, input.kind);
    const file = await upload(input.uploadId);
    return previewImport(file, input.kind, input.mapping, 20).catch(badMapping);
  }),

  start: signedIn
    .input(z.object({ uploadId, fileName: z.string().trim().min(1).max(300), kind, mapping: mappingInput }))
    .mutation(async ({ ctx, input }) => {
      mayImport(ctx, input.kind);
      const file = await upload(input.uploadId);
      const created = await createImport(ctx.db, { file, fileName: input.fileName, kind: input.kind, mapping: input.mapping, who: ctx.user.email, userId: ctx.user.id }).catch(badMapping);
      await audit(ctx.db, ctx.user, 'import.start', { importId: created.id, kind: input.kind, fileName: input.fileName, bytes: created.fileBytes });
      startJob(ctx.db, created.id);
      return { id: created.id };
    }),

  status: signedIn.input(z.object({ id })).query(async ({ ctx, input }) => importView(await visibleImport(ctx, input.id))),

  list: signedIn.input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).optional()).query(async ({ ctx, input }) => {
    const departments = visibleDepartments(ctx.user, ctx.rights);
    const rows = await listImports(ctx.db, { departments: departments ?? undefined, limit: input?.limit ?? 50 });
    return rows.map(importView);
  }),

  cancel: signedIn.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const row = await visibleImport(ctx, input.id);
    mayImport(ctx, row.kind as Kind);
    await cancelImport(ctx.db, row.id);
    await audit(ctx.db, ctx.user, 'import.cancel', { importId: row.id });
    return { ok: true as const };
  }),

  resume: signedIn.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const row = await visibleImport(ctx, input.id);
    mayImport(ctx, row.kind as Kind);
    if (!importView(row).resumable) throw new TRPCError({ code: 'BAD_REQUEST', message: `Import ${row.id} is ${importView(row).status} and cannot be resumed.` });
    await audit(ctx.db, ctx.user, 'import.resume', { importId: row.id, fromRow: row.rowsDone });
    startJob(ctx.db, row.id);
    return { ok: true as const };
  }),
});
