import { roles } from '~/server/auth/rights';
import { adminCaller } from '../adminCaller';
import { GroupMappingEditor } from './GroupMappingEditor';

export default async function SsoPage() {
  const api = await adminCaller();
  if (!api) return null;
  const sso = await api.admin.sso.get();
  return (
    <section aria-labelledby="sso-title">
      <h1 id="sso-title">Single sign-on</h1>
      {sso.configured ? (
        <p className="lead">
          Signing in through <code>{sso.issuer}</code> (scopes <code>{sso.scopes}</code>). People get the role and department of the
          first group below they are in, at every sign-in; the provider is asked again every {sso.recheckSeconds} seconds of use,
          and someone in no mapped group, or unknown to the provider, is signed out at their next request.
        </p>
      ) : (
        <p className="lead">
          Single sign-on is off: set <code>OIDC_ISSUER</code>, <code>OIDC_CLIENT_ID</code> and <code>OIDC_CLIENT_SECRET</code> to turn it
          on. The mapping below applies from then on.
        </p>
      )}
      <GroupMappingEditor initial={sso.settings} roles={[...roles]} />
    </section>
  );
}
