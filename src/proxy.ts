// Runs before every page: gives the page a fresh CSP nonce (Next puts it on its own scripts when it
// finds it in the request's Content-Security-Policy header), and sends signed-out visitors to the
// sign-in page. The sign-out check is the optimistic one (is there a session cookie at all?); the
// session itself is verified where data is read: every tRPC call and every page guard re-reads
// the user from the database.
import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy, newNonce } from '~/lib/csp';
import { hasSessionCookie } from '~/server/auth/session';

const isSignInPage = (pathname: string) => pathname === '/signin' || pathname.startsWith('/signin/');

export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development');
  let response: NextResponse;
  if (hasSessionCookie(request.headers) || isSignInPage(request.nextUrl.pathname)) {
    const headers = new Headers(request.headers);
    headers.set('x-nonce', nonce);
    headers.set('content-security-policy', policy);
    response = NextResponse.next({ request: { headers } });
  } else {
    const signIn = new URL('/signin', request.url);
    const path = request.nextUrl.pathname + request.nextUrl.search;
    if (path !== '/') signIn.searchParams.set('callbackUrl', path);
    response = NextResponse.redirect(signIn);
  }
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  // Every page, the sign-in page included; not the API (tRPC answers 401 itself; ingestion uses
  // API keys), Next's own assets or the favicon.
  matcher: ['/((?!api/|_next/static/|_next/image|favicon\\.ico|robots\\.txt).*)'],
};
