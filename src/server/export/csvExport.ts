// CSV export, done on the server so that the right is checked and every export is audited. The
// page sends the table it shows (its columns and rows, already masked for the viewer by the
// procedures that produced them); the server refuses a role without 'exportCsv', masks again every
// column of a kind the role may not see (a page cannot unmask a value by sending it), writes the
// audit entry, and answers the CSV file.
import { z } from 'zod';
import { toCsv } from '~/lib/csv';
import type { CellValue, FormatKind } from '~/lib/format';
import { masked } from '~/lib/masked';
import { hiddenKinds, maskedFields, type MaskKind } from '~/server/api/masking';
import { crossSiteRefusal } from '~/server/api/origin';
import { audit } from '~/server/auth/audit';
import { loadPermissions } from '~/server/auth/permissions';
import { rightsOf } from '~/server/auth/rights';
import { userFromHeaders } from '~/server/auth/session';
import { getDb, type Db } from '~/server/db/client';

export const exportLimits = { maxBytes: 8 * 1024 * 1024, maxRows: 20_000, maxColumns: 60 } as const;

const formats = ['cents', 'percent', 'days', 'count', 'text', 'month', 'date'] as const satisfies readonly FormatKind[];

const cell = z.union([z.string().max(10_000), z.number(), z.null(), z.object({ masked: z.literal(true) }).strict()]);

export const exportRequest = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'a file name of lower-case letters, digits and dashes, at most 80'),
  caption: z.string().max(200).optional(),
  columns: z
    .array(z.object({ key: z.string().min(1).max(80), header: z.string().max(200), format: z.enum(formats) }))
    .min(1)
    .max(exportLimits.maxColumns),
  rows: z.array(z.record(z.string(), cell)).max(exportLimits.maxRows),
});
export type ExportRequest = z.infer<typeof exportRequest>;

/** Column keys of the tables that hold money, contacts or spend: the API's field names, and the plan's and budget's spend. */
const columnKinds: Readonly<Record<string, MaskKind>> = { ...maskedFields, budget: 'spend', costPerInquiryCents: 'spend', planSpendCents: 'spend' };

/** The kind of a column: by its key, else any amount of money counts as money. */
export function columnKind(column: { key: string; format: FormatKind }): MaskKind | null {
  return (Object.hasOwn(columnKinds, column.key) ? columnKinds[column.key] : undefined) ?? (column.format === 'cents' ? 'money' : null);
}

export type ExportResult =
  | { status: 200; csv: string; fileName: string; maskedColumns: string[] }
  | { status: 400 | 401 | 403 | 413; message: string; errors?: { path: string; message: string }[] };

/** Checks, masks, audits and formats one export. */
export async function exportCsv(db: Db, headers: Headers, body: unknown): Promise<ExportResult> {
  const user = await userFromHeaders(db, headers);
  if (!user) return { status: 401, message: 'Sign in first.' };
  const rights = rightsOf(user.role, await loadPermissions(db));
  const parsed = exportRequest.safeParse(body);
  if (!rights.has('exportCsv')) {
    await audit(db, user, 'export.refused', { table: parsed.success ? parsed.data.name : null, role: user.role });
    return { status: 403, message: 'Your role may not export CSV.' };
  }
  if (!parsed.success) {
    return {
      status: 400,
      message: 'Invalid export request',
      errors: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    };
  }
  const { name, caption, columns, rows } = parsed.data;
  const hidden = hiddenKinds(rights);
  const maskedColumns = columns.filter((column) => {
    const kind = columnKind(column);
    return kind !== null && hidden.has(kind);
  });
  const maskedKeys = new Set(maskedColumns.map((column) => column.key));
  const safeRows = maskedKeys.size === 0 ? rows : rows.map((row) => maskRow(row, maskedKeys));
  await audit(db, user, 'export.csv', {
    table: name,
    caption: caption ?? null,
    rows: rows.length,
    columns: columns.map((column) => column.key),
    maskedColumns: [...maskedKeys],
  });
  return { status: 200, csv: toCsv(columns, safeRows), fileName: `${name}.csv`, maskedColumns: [...maskedKeys] };
}

function maskRow(row: Readonly<Record<string, CellValue>>, keys: ReadonlySet<string>): Record<string, CellValue> {
  const out: Record<string, CellValue> = { ...row };
  for (const key of keys) if (Object.hasOwn(out, key)) out[key] = masked;
  return out;
}

/** The route handler's work: POST /api/export with an ExportRequest as JSON. */
export async function handleCsvExport(req: Request, options: { db?: Db } = {}): Promise<Response> {
  const refusal = crossSiteRefusal(req.headers, req.url);
  if (refusal) return Response.json({ error: refusal }, { status: 403 });
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > exportLimits.maxBytes) return Response.json({ error: `An export request may be at most ${exportLimits.maxBytes} bytes.` }, { status: 413 });
  const text = await req.text();
  if (Buffer.byteLength(text) > exportLimits.maxBytes) {
    return Response.json({ error: `An export request may be at most ${exportLimits.maxBytes} bytes.` }, { status: 413 });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return Response.json({ error: 'The export request is not JSON.' }, { status: 400 });
  }
  const result = await exportCsv(options.db ?? (await getDb()), req.headers, body);
  if (result.status !== 200) return Response.json({ error: result.message, errors: result.errors }, { status: result.status });
  return new Response(result.csv, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${result.fileName}"`,
      'cache-control': 'no-store',
    },
  });
}
