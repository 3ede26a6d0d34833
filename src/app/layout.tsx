import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { TopNav } from '~/components/TopNav';
import { TRPCReactProvider } from '~/trpc/react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Revenue funnel',
  description: 'The whole customer journey, from first touch to advocacy, in numbers every department shares.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
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
