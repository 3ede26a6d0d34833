import { env } from '~/env';
import type { Metadata } from 'next';
import { oidcEnabled } from '~/server/auth/config';
import { safeCallbackPath } from './messages';
import { SignInForm } from './SignInForm';

export const metadata: Metadata = { title: 'Sign in · Revenue funnel' };
export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  return (
    <section aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <p className="lead">Use the account your administrator gave you.</p>
      <SignInForm
        callbackUrl={safeCallbackPath(first(params.callbackUrl))}
        initialError={first(params.error) ?? null}
        oidcName={oidcEnabled() ? (env().OIDC_NAME ?? 'single sign-on') : null}
      />
    </section>
  );
}
