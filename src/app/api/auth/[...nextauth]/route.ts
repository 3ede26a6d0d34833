import { env } from '~/env';
import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { authOptions, servedOverHttps } from '~/server/auth/config';
import { deviceCookie } from '~/server/auth/device';
import { getDb } from '~/server/db/client';

// Without NEXTAUTH_URL the site's own address comes from the request (the embedded demo); set
// NEXTAUTH_URL wherever the app sits behind a proxy that does not set x-forwarded-host.
if (!env().NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= 'true';

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(req: NextRequest, context: RouteContext): Promise<Response> {
  const secure = servedOverHttps(req.url, req.headers.get('x-forwarded-proto'));
  let deviceToken: string | null = null;
  const options = await authOptions(await getDb(), secure, { onDeviceToken: (token) => (deviceToken = token) });
  const response = (await NextAuth(req, context, options)) as Response;
  // A successful password sign-in marks this browser as a known device of the account.
  if (deviceToken) response.headers.append('set-cookie', deviceCookie(deviceToken, secure));
  return response;
}

export { handler as GET, handler as POST };
