import { afterEach, describe, expect, it } from 'vitest';
import { safeCallbackPath, signInErrorMessage } from '~/app/signin/messages';
import { oidcEnabled, servedOverHttps } from './config';

const saved = { ...process.env };
afterEach(() => {
  for (const key of ['NEXTAUTH_URL', 'OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe('servedOverHttps', () => {
  it('follows NEXTAUTH_URL when set', () => {
    process.env.NEXTAUTH_URL = 'https://funnel.example.com';
    expect(servedOverHttps('http://10.0.0.5:3000/api/auth/session', null)).toBe(true);
    process.env.NEXTAUTH_URL = 'http://127.0.0.1:3000';
    expect(servedOverHttps('https://x/api/auth/session', 'https')).toBe(false);
  });

  it('else follows the proxy, else the request', () => {
    delete process.env.NEXTAUTH_URL;
    expect(servedOverHttps('http://10.0.0.5:3000/x', 'https, http')).toBe(true);
    expect(servedOverHttps('http://10.0.0.5:3000/x', 'http')).toBe(false);
    expect(servedOverHttps('https://funnel.example.com/x', null)).toBe(true);
    expect(servedOverHttps('http://localhost:3000/x', null)).toBe(false);
  });
});

describe('oidcEnabled', () => {
  it('needs issuer, client id and secret together', () => {
    delete process.env.OIDC_ISSUER;
    process.env.OIDC_CLIENT_ID = 'funnel';
    process.env.OIDC_CLIENT_SECRET = 's3cret';
    expect(oidcEnabled()).toBe(false);
    process.env.OIDC_ISSUER = 'https://id.example.com/realms/main';
    expect(oidcEnabled()).toBe(true);
  });
});

describe('sign-in page helpers', () => {
  it('follows only same-site paths after sign-in', () => {
    expect(safeCallbackPath('/admin/users?x=1')).toBe('/admin/users?x=1');
    expect(safeCallbackPath('https://evil.example.com/')).toBe('/');
    expect(safeCallbackPath('//evil.example.com/')).toBe('/');
    expect(safeCallbackPath('/\\evil.example.com')).toBe('/');
    expect(safeCallbackPath(undefined)).toBe('/');
  });

  it('names each failure', () => {
    expect(signInErrorMessage('limited')).toBe('Too many failed attempts. Wait a little and try again.');
    expect(signInErrorMessage('limited:1')).toBe('Too many failed attempts. Try again in 1 second.');
    expect(signInErrorMessage('limited:64')).toBe('Too many failed attempts. Try again in 64 seconds.');
    expect(signInErrorMessage('limited:512')).toBe('Too many failed attempts. Try again in 9 minutes.');
    expect(signInErrorMessage('something else')).toBe('Sign-in failed. Try again.');
    expect(signInErrorMessage(null)).toBeNull();
  });
});
