'use client';
// The end of every form or button that runs a mutation, one shape: the submit button (disabled while
// the action runs), then the server's error (role alert) or what the action did (role status).
import type { ReactNode } from 'react';
import ui from './ui.module.css';
import { useMutationAction } from './useMutationAction';

interface StatusProps {
  error: string | null;
  /** what the action did, shown while there is no error */
  done?: ReactNode;
  /** beside a button (span) rather than under a form (paragraph) */
  inline?: boolean;
  errorClassName?: string;
  doneClassName?: string;
}

/** What the last action said: its error, else what it did; nothing before it ran. */
export function ActionStatus({ error, done, inline = false, errorClassName = ui.error, doneClassName }: StatusProps) {
  const Tag = inline ? 'span' : 'p';
  if (error) {
    return (
      <Tag role="alert" className={errorClassName}>
        {error}
      </Tag>
    );
  }
  if (done === null || done === undefined || done === false) return null;
  return (
    <Tag role="status" className={doneClassName}>
      {done}
    </Tag>
  );
}

/** A form's submit button and the status of its action; `primary` styles it as the page's main button. */
export function FormActions({ label, pending, primary = false, wrapClassName, ...status }: StatusProps & { label: ReactNode; pending: boolean; primary?: boolean; wrapClassName?: string }) {
  const button = (
    <button type="submit" className={primary ? `${ui.button} ${ui.primary}` : undefined} disabled={pending}>
      {label}
    </button>
  );
  return (
    <>
      {wrapClassName ? <div className={wrapClassName}>{button}</div> : button}
      <ActionStatus {...status} />
    </>
  );
}

/** A button that runs one mutation once the user confirms `confirm`, with its error beside it. */
export function ConfirmActionButton({ confirm, action, children, errorClassName }: { confirm: string; action: () => Promise<unknown>; children: ReactNode; errorClassName?: string }) {
  const { run, error, pending } = useMutationAction();
  return (
    <>
      <button
        type="button"
        disabled={pending}
        onClick={() => {
          if (window.confirm(confirm)) void run(action);
        }}
      >
        {children}
      </button>
      <ActionStatus error={error} inline errorClassName={errorClassName} />
    </>
  );
}
