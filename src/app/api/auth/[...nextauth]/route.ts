import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { authOptions, servedOverHttps } from '~/server/auth/config';
import { getDb } from '~/server/db/client';

// Without NEXTAUTH_URL the site's own address comes from the request (the embedded demo); set
// NEXTAUTH_URL wherever the app sits behind a proxy that does not set x-forwarded-host.
if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= 'true';

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(req: NextRequest, context: RouteContext): Promise<Response> {
  const secure = servedOverHttps(req.url, req.headers.get('x-forwarded-proto'));
  return NextAuth(req, context, await authOptions(await getDb(), secure)) as Promise<Response>;
}

export { handler as GET, handler as POST };
