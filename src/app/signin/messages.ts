// What the sign-in page says for each reason a sign-in failed.
export const signInErrors: Record<string, string> = {
  invalid: 'Email or password is wrong.',
  disabled: 'This account is disabled. Ask an administrator.',
  limited: 'Too many failed attempts. Wait a little and try again.',
  unknown: 'No active account matches that identity. Ask an administrator to create one.',
  noMappedGroup: 'Your organisation has not given you access to this dashboard (you are in no group mapped to a role). Ask an administrator.',
  noEmail: 'Your identity provider did not tell us your email address.',
  ssoOnly: 'Sign in with single sign-on: password sign-in is turned off for this account.',
  sso: 'Single sign-on failed. Try again.',
  taken: 'This email belongs to another single sign-on identity. Ask an administrator.',
  CredentialsSignin: 'Email or password is wrong.',
  SessionRequired: 'Sign in to continue.',
};

export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  const limited = /^limited:(\d+)$/.exec(code);
  if (limited) {
    const seconds = Number(limited[1]);
    const wait = seconds < 90 ? `${seconds} ${seconds === 1 ? 'second' : 'seconds'}` : `${Math.ceil(seconds / 60)} minutes`;
    return `Too many failed attempts. Try again in ${wait}.`;
  }
  return signInErrors[code] ?? 'Sign-in failed. Try again.';
}

/** Only same-site paths are followed after sign-in. */
export function safeCallbackPath(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}
