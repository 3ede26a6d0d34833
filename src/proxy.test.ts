import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { config, proxy } from './proxy';

const request = (path: string, cookie?: string) =>
  new NextRequest(new URL(path, 'http://app.test'), { headers: cookie ? { cookie } : {} });

const matches = (path: string) => config.matcher.some((pattern) => new RegExp(`^${pattern}$`).test(path));

describe('proxy', () => {
  it('sends a signed-out visitor to sign-in, keeping where they were going', () => {
    const response = proxy(request('/funnel?range=90d'));
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.pathname).toBe('/signin');
    expect(location.searchParams.get('callbackUrl')).toBe('/funnel?range=90d');
  });

  it('sends a signed-out visitor of the first page to sign-in', () => {
    expect(new URL(proxy(request('/')).headers.get('location') ?? '').pathname).toBe('/signin');
  });

  it('lets a visitor with a session cookie through', () => {
    expect(proxy(request('/admin', 'next-auth.session-token=abc')).headers.get('location')).toBeNull();
    expect(proxy(request('/admin', '__Secure-next-auth.session-token=abc')).headers.get('location')).toBeNull();
  });

  it('lets anyone see the sign-in page', () => {
    const response = proxy(request('/signin?callbackUrl=%2Ffunnel'));
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('x-middleware-request-x-nonce')).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it('gives every page a fresh script nonce and no unsafe-inline scripts', () => {
    const policies = [proxy(request('/signin')), proxy(request('/admin', 'next-auth.session-token=abc')), proxy(request('/funnel'))].map(
      (response) => response.headers.get('content-security-policy') ?? '',
    );
    const nonces = policies.map((policy) => /script-src 'self' 'nonce-([^']+)' 'strict-dynamic'(;|$)/.exec(policy)?.[1]);
    expect(nonces.every(Boolean)).toBe(true);
    expect(new Set(nonces).size).toBe(3);
    for (const policy of policies) {
      expect(policy).toContain("frame-ancestors 'none'");
      expect(/script-src[^;]*unsafe-inline/.test(policy)).toBe(false);
    }
    // The page renders with the same nonce its response announces.
    const response = proxy(request('/admin', 'next-auth.session-token=abc'));
    const nonce = response.headers.get('x-middleware-request-x-nonce');
    expect(response.headers.get('content-security-policy')).toContain(`'nonce-${nonce}'`);
  });

  it('guards every page but sign-in and leaves the API and assets alone', () => {
    expect(matches('/')).toBe(true);
    expect(matches('/admin/users')).toBe(true);
    expect(matches('/funnel')).toBe(true);
    expect(matches('/signin')).toBe(true);
    expect(matches('/api/trpc/auth.me')).toBe(false);
    expect(matches('/api/ingest/sales')).toBe(false);
    expect(matches('/_next/static/chunk.js')).toBe(false);
  });
});
