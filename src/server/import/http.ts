// The two import endpoints that carry files rather than JSON: the upload, streamed to disk, and
// the invalid rows of an import as CSV, streamed from the database page by page.
import { loadPermissions } from '~/server/auth/permissions';
import { rightsOf, type Right } from '~/server/auth/rights';
import { userFromHeaders } from '~/server/auth/session';
import type { SessionUser } from '~/server/auth/users';
import type { Db } from '~/server/db/client';
import { importableKinds, visibleDepartments } from './access';
import { getImport, importErrorPage } from './run';
import { saveUpload, UploadError } from './uploads';

const json = (status: number, body: unknown) => Response.json(body, { status });

async function caller(db: Db, headers: Headers): Promise<{ user: SessionUser; rights: ReadonlySet<Right> } | Response> {
  const user = await userFromHeaders(db, headers);
  if (!user) return json(401, { error: 'Sign in first.' });
  return { user, rights: rightsOf(user.role, await loadPermissions(db)) };
}

/** POST /api/import/upload: the body is the file; returns { uploadId, bytes }. */
export async function handleUpload(db: Db, request: Request): Promise<Response> {
  const who = await caller(db, request.headers);
  if (who instanceof Response) return who;
  if (importableKinds(who.user, who.rights).length === 0) return json(403, { error: `Your role (${who.user.role}) may not import data.` });
  try {
    return json(201, await saveUpload(request.body));
  } catch (error) {
    if (error instanceof UploadError) return json(error.status, { error: error.message });
    throw error;
  }
}

/** A CSV cell, quoted when needed; a leading formula character is neutralised for spreadsheets. */
export function csvCell(value: string | number): string {
  const text = String(value);
  const safe = /^[=+\-@]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** GET /api/import/[id]/invalid: row, column, value, reason of every invalid row, as CSV. */
export async function handleInvalidRows(db: Db, request: Request, importId: number): Promise<Response> {
  const who = await caller(db, request.headers);
  if (who instanceof Response) return who;
  const row = Number.isInteger(importId) && importId > 0 ? await getImport(db, importId) : null;
  const departments = visibleDepartments(who.user, who.rights);
  if (!row || (departments !== null && !departments.includes(row.department))) return json(404, { error: 'No such import.' });
  const encoder = new TextEncoder();
  let after = 0;
  let headerSent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode('row,column,value,reason\r\n'));
        return;
      }
      const page = await importErrorPage(db, row.id, after, 5000);
      if (page.length === 0) {
        controller.close();
        return;
      }
      after = page[page.length - 1]!.id;
      controller.enqueue(encoder.encode(page.map((e) => `${[e.row, csvCell(e.column), csvCell(e.value), csvCell(e.message)].join(',')}\r\n`).join('')));
    },
  });
  const name = `${row.fileName.replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '_')}-invalid-rows.csv`;
  return new Response(body, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' },
  });
}
