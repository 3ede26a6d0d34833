'use client';
import { ErrorState } from '~/components/States';

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorState message={error.message || 'The figures could not be loaded.'} onRetry={reset} />;
}
