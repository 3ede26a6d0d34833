'use client';
// Runs a mutation from a client island, the one way: clears the last error, keeps the new one (with
// the field paths the server's error formatter sends), and re-renders the server page so that it
// shows the change.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';

/** The message of a failed call: its fields and their messages when the input was refused. */
export function describeError(cause: unknown, fallback = 'The change was not saved.'): string {
  if (!(cause instanceof Error)) return fallback;
  const fields = (cause as { data?: { fieldErrors?: { path: string; message: string }[] | null } }).data?.fieldErrors;
  if (fields && fields.length > 0) return fields.map((f) => `${f.path || 'input'}: ${f.message}`).join('; ');
  return cause.message;
}

export function useMutationAction() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  /** The action's result, or undefined when it failed (then `error` says why). */
  async function run<T>(action: () => Promise<T>, options: { refresh?: boolean } = {}): Promise<T | undefined> {
    setError(null);
    try {
      const result = await action();
      if (options.refresh !== false) startTransition(() => router.refresh());
      return result;
    } catch (cause) {
      setError(describeError(cause));
      return undefined;
    }
  }

  return { run, error, pending, setError };
}
