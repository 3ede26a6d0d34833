// The client address of a request, for sign-in throttling and the audit log.
//
// `X-Forwarded-For` lists the addresses a request passed through, each proxy appending the peer it
// saw; anything left of the last trusted hop was written by the client and proves nothing. So the
// list is walked from the right, skipping the proxies named in TRUSTED_PROXIES (IPs or CIDRs,
// comma-separated), and the first address that is not one of them is the client. With no trusted
// proxy that is the rightmost entry: the socket peer, which the app server (src/server/serve.ts)
// appends itself.
import { env } from '~/env';
import { BlockList, isIP } from 'node:net';

export type HeaderSource = Headers | Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A bare IP from an entry such as `::ffff:10.0.0.1`, `[2001:db8::1]:443` or `10.0.0.1:5000`; null when it is none. */
export function normalizeAddress(entry: string): string | null {
  let value = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1]) value = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  if (mapped?.[1]) value = mapped[1];
  return isIP(value) ? value.toLowerCase() : null;
}

export interface TrustedProxies {
  has(address: string): boolean;
  readonly size: number;
}

/** Parses TRUSTED_PROXIES: `10.0.0.0/8, 192.0.2.1, ::1`. A malformed entry is an error, not ignored. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const list = new BlockList();
  let size = 0;
  for (const raw of (value ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [ip = '', prefix] = entry.split('/');
    const address = normalizeAddress(ip);
    const family = address ? isIP(address) : 0;
    const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
    if (!address || !Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
      throw new Error(`TRUSTED_PROXIES: '${entry}' is not an IP address or CIDR range`);
    }
    list.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
    size++;
  }
  return {
    size,
    has(candidate: string) {
      const address = normalizeAddress(candidate);
      if (!address) return false;
      return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

let configured: { raw: string | undefined; proxies: TrustedProxies } | undefined;

export function trustedProxiesFromEnv(): TrustedProxies {
  const raw = env().TRUSTED_PROXIES;
  if (!configured || configured.raw !== raw) configured = { raw, proxies: parseTrustedProxies(raw) };
  return configured.proxies;
}

/** The client address: the rightmost `X-Forwarded-For` entry that is not a trusted proxy. */
export function clientAddress(headers: HeaderSource, trusted: TrustedProxies = trustedProxiesFromEnv()): string | null {
  const hops = (header(headers, 'x-forwarded-for') ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const address = normalizeAddress(hops[i] ?? '');
    // A hop that is not an address (`unknown`, garbage) ends the walk: what lies left of it is unproven.
    if (!address) return null;
    if (!trusted.has(address)) return address;
  }
  // Every hop is a trusted proxy: the leftmost is the closest we know to the client.
  return hops.length ? normalizeAddress(hops[0] ?? '') : null;
}

/** `X-Forwarded-For` with the socket peer appended, as a proxy would: the one entry nobody can forge. */
export function withSocketPeer(forwardedFor: string | string[] | undefined, peer: string | undefined): string | undefined {
  const existing = (Array.isArray(forwardedFor) ? forwardedFor.join(', ') : forwardedFor)?.trim();
  if (!peer) return existing || undefined;
  return existing ? `${existing}, ${peer}` : peer;
}
