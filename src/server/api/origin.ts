// Refuses state-changing requests a browser sent on behalf of another site. A browser names the
// page that made a request in `Sec-Fetch-Site` and `Origin`; either one pointing elsewhere is
// refused. Requests with neither come from programs, not browsers, and cannot carry a visitor's
// cookies without the visitor's own doing, so they go on to the usual session check.
import { env } from '~/env';

/** The hosts this app answers as: the request's own Host, and NEXTAUTH_URL's when set. */
function ownHosts(headers: Headers, requestUrl: string): Set<string> {
  const hosts = new Set<string>();
  const host = headers.get('host');
  if (host) hosts.add(host.toLowerCase());
  else hosts.add(new URL(requestUrl).host.toLowerCase());
  const configured = env().NEXTAUTH_URL;
  if (configured) {
    try {
      hosts.add(new URL(configured).host.toLowerCase());
    } catch {
      // A malformed NEXTAUTH_URL is reported where next-auth reads it.
    }
  }
  return hosts;
}

/** Why this request must be refused as cross-site, or null when it may go on. */
export function crossSiteRefusal(headers: Headers, requestUrl: string): string | null {
  const site = headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return `Refused: this request came from another site (Sec-Fetch-Site: ${site}).`;
  const origin = headers.get('origin');
  if (origin === null) return null;
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return `Refused: this request came from another site (Origin: ${origin}).`;
  }
  return ownHosts(headers, requestUrl).has(host) ? null : `Refused: this request came from another site (Origin: ${origin}).`;
}

/** A 403 JSON answer for a cross-site request. */
export function crossSiteResponse(message: string): Response {
  return Response.json({ error: { message, code: 'FORBIDDEN', httpStatus: 403 } }, { status: 403 });
}
