import { getDb } from '~/server/db/client';
import { handleInvalidRows } from '~/server/import/http';

export const runtime = 'nodejs';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handleInvalidRows(await getDb(), request, Number(id));
}
