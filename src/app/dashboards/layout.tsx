// Client islands of this page call tRPC and refresh through react-query.
import type { ReactNode } from 'react';
import { TRPCReactProvider } from '~/trpc/react';

export const dynamic = 'force-dynamic';

export default function Layout({ children }: { children: ReactNode }) {
  return <TRPCReactProvider>{children}</TRPCReactProvider>;
}
