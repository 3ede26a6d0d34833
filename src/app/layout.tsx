import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Revenue funnel',
  description: 'The whole customer journey, from first touch to advocacy, in numbers every department shares.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            Revenue funnel
          </Link>
        </header>
        <main className="page">{children}</main>
      </body>
    </html>
  );
}
