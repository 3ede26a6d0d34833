import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { TopNav } from '~/components/TopNav';
import { TRPCReactProvider } from '~/trpc/react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Revenue funnel',
  description: 'The whole customer journey, from first touch to advocacy, in numbers every department shares.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: its scripts must carry that request's CSP nonce (src/proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body>
        <TopNav />
        <TRPCReactProvider>
          <main className="page">{children}</main>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
