// next-auth: local accounts (email + password) and, when OIDC_ISSUER, OIDC_CLIENT_ID and
// OIDC_CLIENT_SECRET are set, the organisation's identity provider. Sessions are signed JWTs in an
// httpOnly cookie (Secure and __Secure- prefixed when the site is served over https); the server
// re-reads the user on every call, so disabling an account or changing a role applies at once.
//
// Identity-provider sign-ins (sso.ts) create or update the account from the person's groups as an
// admin mapped them to roles and departments; a person in no mapped group does not get in. Every
// sign-in is a server-side session (`sid` in the token) that sign-out ends.
import { env } from '~/env';
import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import type { Db } from '~/server/db/client';
import { audit } from './audit';
import { clientAddress } from './clientAddress';
import { deviceCookieName } from './device';
import { getAuthSecret } from './secret';
import { readCookie } from './session';
import { authenticate } from './signIn';
import { endSession, fetchUserinfo, findUserBySsoSubject, ssoEnv, ssoSignIn, startSession } from './sso';
import { logger } from '~/server/log';

// Sign-in outcomes as log lines: user ids and reasons, never the e-mail address tried.
const log = logger('auth');

export const sessionMaxAgeSeconds = 8 * 3600;

interface OidcProfile {
  sub: string;
  email?: string;
  name?: string;
}

function oidcProvider(): OAuthConfig<OidcProfile> | null {
  const sso = ssoEnv();
  if (!sso) return null;
  return {
    id: 'oidc',
    name: env().OIDC_NAME ?? 'Single sign-on',
    type: 'oauth',
    wellKnown: `${sso.issuer}/.well-known/openid-configuration`,
    authorization: { params: { scope: sso.scopes } },
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    clientId: sso.clientId,
    clientSecret: sso.clientSecret,
    profile: (profile) => ({ id: profile.sub, email: profile.email ?? null, name: profile.name ?? null }),
  };
}

export function oidcEnabled(): boolean {
  return oidcProvider() !== null;
}

/** Whether the site is served over https: NEXTAUTH_URL says so, or else the request does. */
export function servedOverHttps(requestUrl: string, forwardedProto: string | null): boolean {
  const configured = env().NEXTAUTH_URL;
  if (configured) return configured.startsWith('https://');
  if (forwardedProto) return forwardedProto.split(',')[0]?.trim() === 'https';
  return requestUrl.startsWith('https://');
}

/** The request headers next-auth hands to `authorize`, as a Headers object. */
function headersOf(raw: unknown): Headers {
  const headers = new Headers();
  if (raw && typeof raw === 'object') {
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) headers.set(name, value.map(String).join(', '));
    }
  }
  return headers;
}

export interface SignInHooks {
  /** called with a fresh known-device token after a successful password sign-in */
  onDeviceToken?: (token: string) => void;
}

export async function authOptions(db: Db, secure: boolean, hooks: SignInHooks = {}): Promise<AuthOptions> {
  const oidc = oidcProvider();
  return {
    secret: await getAuthSecret(db),
    useSecureCookies: secure,
    session: { strategy: 'jwt', maxAge: sessionMaxAgeSeconds },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, req) {
          const email = credentials?.email ?? '';
          const password = credentials?.password ?? '';
          if (!email || !password) throw new Error('invalid');
          const headers = headersOf(req.headers);
          const address = clientAddress(headers);
          const result = await authenticate(db, { email, password, address, deviceToken: readCookie(headers, deviceCookieName) ?? null });
          // The message travels to the sign-in page as ?error=<reason>[:<seconds to wait>].
          if (!result.ok) {
            log.warn({ method: 'password', outcome: result.reason, address }, 'sign-in refused');
            throw new Error(result.reason === 'limited' ? `limited:${result.retryAfterSeconds}` : result.reason);
          }
          log.info({ method: 'password', outcome: 'ok', userId: result.user.id, role: result.user.role, address }, 'signed in');
          hooks.onDeviceToken?.(result.deviceToken);
          return { id: String(result.user.id), email: result.user.email, name: result.user.name };
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== 'oidc') return true;
        // The groups come from userinfo, asked with the fresh access token: the same answer every
        // later request is checked against.
        const env = ssoEnv();
        if (!env || !account.access_token) {
          log.warn({ method: 'oidc', outcome: 'noAccessToken' }, 'sign-in refused');
          return '/signin?error=sso';
        }
        const info = await fetchUserinfo(env, account.access_token);
        if (!info.ok || info.claims.sub !== account.providerAccountId) {
          log.warn({ method: 'oidc', outcome: info.ok ? 'subjectMismatch' : 'userinfoFailed' }, 'sign-in refused');
          return '/signin?error=sso';
        }
        const result = await ssoSignIn(db, { ...(profile ?? {}), ...info.claims });
        if (!result.ok) {
          log.warn({ method: 'oidc', outcome: result.reason }, 'sign-in refused');
          return `/signin?error=${result.reason}`;
        }
        log.info({ method: 'oidc', outcome: 'ok', userId: result.userId, role: result.placement.role, created: result.created }, 'signed in');
        return true;
      },
      async jwt({ token, user, account }) {
        if (!user || !account) return token;
        if (account.provider === 'oidc') {
          // The provider's subject id must never be read as a local user id.
          const local = await findUserBySsoSubject(db, account.providerAccountId);
          if (!local) return { ...token, sub: undefined };
          token.sub = String(local.id);
          token.sid = await startSession(db, local.id, 'oidc', {
            accessToken: account.access_token ?? null,
            refreshToken: account.refresh_token ?? null,
            expiresAt: typeof account.expires_at === 'number' ? new Date(account.expires_at * 1000) : null,
          });
        } else {
          token.sid = await startSession(db, Number(user.id), 'credentials');
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub } };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === 'string') await endSession(db, token.sid, 'signOut');
      },
      async signIn({ user, account }) {
        const id = Number(user.id);
        if (account?.provider === 'credentials' && Number.isInteger(id)) {
          await audit(db, { id, email: user.email ?? '' }, 'auth.signIn', { provider: 'credentials' });
        }
      },
    },
  };
}
