'use client';
// The error state of a dashboard page (for a route's error.tsx): a message and a retry that
// re-renders the page in place.
import { useRouter } from 'next/navigation';
import { startTransition } from 'react';
import { ErrorState } from './States';

export function PageError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  return (
    <ErrorState
      message="This page could not be loaded. The figures may be recomputing; try again in a moment."
      onRetry={() =>
        startTransition(() => {
          router.refresh();
          reset();
        })
      }
    />
  );
}
