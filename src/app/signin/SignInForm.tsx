'use client';
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { safeCallbackPath, signInErrorMessage } from './messages';
import styles from './signin.module.css';

export function SignInForm({ callbackUrl, initialError, oidcName }: { callbackUrl: string; initialError: string | null; oidcName: string | null }) {
  const [error, setError] = useState<string | null>(signInErrorMessage(initialError));
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn('credentials', {
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
      redirect: false,
    });
    setPending(false);
    if (!result || result.error) {
      setError(signInErrorMessage(result?.error ?? 'invalid'));
      return;
    }
    window.location.assign(safeCallbackPath(callbackUrl));
  }

  return (
    <div className={styles.box}>
      <form onSubmit={submit} aria-describedby={error ? 'signin-error' : undefined} noValidate>
        <p className={styles.field}>
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="username" required autoFocus />
        </p>
        <p className={styles.field}>
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </p>
        {error ? (
          <p id="signin-error" role="alert" className={styles.error}>
            {error}
          </p>
        ) : null}
        <button type="submit" className={styles.submit} disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {oidcName ? (
        <p>
          <button type="button" onClick={() => void signIn('oidc', { callbackUrl: safeCallbackPath(callbackUrl) })}>
            Sign in with {oidcName}
          </button>
        </p>
      ) : null}
    </div>
  );
}
