import { getDb } from '~/server/db/client';
import { handleSegment } from '~/server/ingest/http';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, context: { params: Promise<{ call: string }> }): Promise<Response> {
  const { call } = await context.params;
  return handleSegment(request, call, { db: getDb });
}
