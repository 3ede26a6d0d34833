'use client';
// A select that edits one search param of the page (e.g. the funnel's cohort basis), kept in the URL
// beside the filters.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';
import styles from './ui.module.css';

export interface ParamSelectProps {
  id: string;
  label: string;
  param: string;
  /** the value meaning "not set": choosing it removes the param */
  defaultValue: string;
  options: readonly { value: string; label: string }[];
}

export function ParamSelect({ id, label, param, defaultValue, options }: ParamSelectProps) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const value = searchParams.get(param) ?? defaultValue;

  function change(next: string) {
    const params = new URLSearchParams(searchParams.toString());
    if (next === defaultValue) params.delete(param);
    else params.set(param, next);
    const query = params.toString();
    startTransition(() => router.push(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  }

  return (
    <div className={styles.field} data-pending={pending || undefined}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => change(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
