// What the sign-in page says for each reason a sign-in failed.
export const signInErrors: Record<string, string> = {
  invalid: 'Email or password is wrong.',
  disabled: 'This account is disabled. Ask an administrator.',
  limited: 'Too many failed attempts. Wait 15 minutes and try again.',
  unknown: 'No active account matches that identity. Ask an administrator to create one.',
  CredentialsSignin: 'Email or password is wrong.',
  SessionRequired: 'Sign in to continue.',
};

export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  return signInErrors[code] ?? 'Sign-in failed. Try again.';
}

/** Only same-site paths are followed after sign-in. */
export function safeCallbackPath(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}
