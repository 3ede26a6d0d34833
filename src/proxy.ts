// Sends signed-out visitors of any page to the sign-in page. This is the optimistic check (is
// there a session cookie at all?); the session itself is verified where data is read: every tRPC
// call and every page guard re-reads the user from the database.
import { NextResponse, type NextRequest } from 'next/server';
import { hasSessionCookie } from '~/server/auth/session';

export function proxy(request: NextRequest) {
  if (hasSessionCookie(request.headers)) return NextResponse.next();
  const signIn = new URL('/signin', request.url);
  const path = request.nextUrl.pathname + request.nextUrl.search;
  if (path !== '/') signIn.searchParams.set('callbackUrl', path);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Everything but sign-in, the API (tRPC answers 401 itself; ingestion uses API keys), Next's
  // own assets and the favicon.
  matcher: ['/((?!signin|api/|_next/|favicon\\.ico|robots\\.txt).*)'],
};
