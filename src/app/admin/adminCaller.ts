// The admin pages render beside their layout, not inside its check: each asks for the caller
// here and renders nothing when the layout is showing the refusal.
import { cache } from 'react';
import { serverCaller } from '~/trpc/server';

export const currentMe = cache(async () => (await serverCaller()).auth.me());

export async function adminCaller() {
  const me = await currentMe();
  return me?.rights.includes('manage') ? serverCaller() : null;
}
