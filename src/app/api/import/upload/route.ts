import { getDb } from '~/server/db/client';
import { handleUpload } from '~/server/import/http';

export const runtime = 'nodejs';

export async function POST(request: Request) {
  return handleUpload(await getDb(), request);
}
