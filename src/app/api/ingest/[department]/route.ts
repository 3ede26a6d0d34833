import { getDb } from '~/server/db/client';
import { handleIngest } from '~/server/ingest/http';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, context: { params: Promise<{ department: string }> }): Promise<Response> {
  const { department } = await context.params;
  return handleIngest(request, department, { db: getDb });
}
