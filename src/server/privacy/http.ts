// POST /api/privacy/erasure: a privacy tool asks to forget a person. Bearer token of scope
// 'privacy' (created by an admin, shown once); body { "contactId": "..." } or { "email": "..." },
// with an optional "reference" (the request's id in the privacy tool), kept in the audit log.
import { z } from 'zod';
import { getDb, type Db } from '~/server/db/client';
import { erasePerson } from './erasure';
import { checkAdminToken } from './tokens';

const MAX_BODY_BYTES = 16 * 1024;

export const erasureRequest = z
  .object({
    contactId: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
    email: z.email('must be an email address').max(320).optional(),
    reference: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
  })
  .strict()
  .refine((b) => (b.contactId === undefined) !== (b.email === undefined), { path: ['contactId'], message: 'give exactly one of contactId and email' });

function problem(status: number, message: string, errors?: { path: string; message: string }[]): Response {
  return Response.json({ error: message, ...(errors ? { errors } : {}) }, { status });
}

export async function handlePrivacyErasure(request: Request, options: { db?: Db } = {}): Promise<Response> {
  const db = options.db ?? (await getDb());
  const token = await checkAdminToken(db, request.headers.get('authorization'), 'privacy');
  if (!token) return problem(401, 'a privacy token is required: Authorization: Bearer rft_privacy_...');
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return problem(413, `body over ${MAX_BODY_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return problem(400, 'the body must be JSON', [{ path: '(body)', message: 'malformed JSON' }]);
  }
  const parsed = erasureRequest.safeParse(body);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', message: issue.message }));
    return problem(400, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
  const { contactId, email, reference } = parsed.data;
  const subject = contactId !== undefined ? { contactId } : email !== undefined ? { email } : null;
  if (!subject) return problem(400, 'give exactly one of contactId and email');
  const result = await erasePerson(db, subject, null, { via: 'api', tokenId: token.id, tokenName: token.name, ...(reference ? { reference } : {}) });
  return Response.json(result, { status: 200 });
}
