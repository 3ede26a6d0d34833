// The admin pages render beside their layout, not inside its check: each asks for the caller
// here and renders nothing when the layout is showing the refusal.
import { serverCaller, viewerCan } from '~/trpc/server';

export async function adminCaller() {
  return (await viewerCan('manage')) ? serverCaller() : null;
}
