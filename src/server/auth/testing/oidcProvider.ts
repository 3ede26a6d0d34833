// A real OpenID Connect provider (the oidc-provider package) on 127.0.0.1 for tests: one
// confidential client, PKCE required, people whose groups and existence the test changes, and the
// package's own login pages (any password; the login is the account id).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestPerson {
  email: string;
  name: string;
  groups: string[];
  /** false: the provider no longer knows them (disabled or deleted) */
  active: boolean;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  people: Map<string, TestPerson>;
  close(): Promise<void>;
}

export async function startTestProvider(options: { redirectUris: string[]; people: Record<string, Omit<TestPerson, 'active'>> }): Promise<TestProvider> {
  const people = new Map(Object.entries(options.people).map(([id, p]) => [id, { ...p, active: true }]));
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'revenue-funnel';
  const clientSecret = 'a-long-test-client-secret-of-32-characters';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    pkce: { required: () => true },
    cookies: { keys: ['test-provider-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600, IdToken: 3600, AuthorizationCode: 60 },
    async findAccount(_ctx, id) {
      const person = people.get(id);
      if (!person?.active) return undefined;
      return {
        accountId: id,
        claims: async () => ({ sub: id, email: person.email, email_verified: true, name: person.name, groups: [...person.groups] }),
      };
    },
    // First-party client: consent is implied.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile groups');
      grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups']);
      await grant.save();
      return grant;
    },
  });
  // PUT /test-control/people/<id> {"groups"?: [...], "active"?: bool}: a test in another process
  // changes a person the way an admin of the provider would.
  const handler = provider.callback();
  server.on('request', (req, res) => {
    const control = /^\/test-control\/people\/([^/]+)$/.exec(req.url ?? '');
    if (!control || req.method !== 'PUT') return handler(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const person = people.get(decodeURIComponent(control[1]!));
      const change = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Partial<Pick<TestPerson, 'groups' | 'active'>>;
      if (person && Array.isArray(change.groups)) person.groups = change.groups;
      if (person && typeof change.active === 'boolean') person.active = change.active;
      res.statusCode = person ? 204 : 404;
      res.end();
    });
  });
  return {
    issuer,
    clientId,
    clientSecret,
    people,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
