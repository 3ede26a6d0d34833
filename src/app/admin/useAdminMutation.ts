'use client';
// Runs an admin mutation, then re-renders the server page so that lists show the change.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';

export function useAdminAction() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    setError(null);
    try {
      const result = await action();
      startTransition(() => router.refresh());
      return result;
    } catch (cause) {
      setError(describeError(cause));
      return undefined;
    }
  }

  return { run, error, pending };
}

function describeError(cause: unknown): string {
  if (!(cause instanceof Error)) return 'The action failed.';
  const fields = (cause as { data?: { fieldErrors?: { path: string; message: string }[] | null } }).data?.fieldErrors;
  if (fields && fields.length > 0) return fields.map((f) => `${f.path || 'input'}: ${f.message}`).join('; ');
  return cause.message;
}
