'use client';
// The filters of every dashboard page, kept in the URL: date range (preset or custom days), source,
// campaign, segment and deal type. Applying pushes a new URL, so a link shows the same view and a
// reload keeps it; the server page re-renders from the new search params.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { Suspense, use, useState, useTransition, type FormEvent } from 'react';
import { filterKeys, parseFilters, rangePresetLabels, rangePresets, withFilters, type FilterKey, type FilterState, type RangePreset } from '~/lib/urlFilters';
import styles from './ui.module.css';

export interface FilterOptions {
  sources?: readonly string[];
  campaigns?: readonly { id: string; label: string }[];
  segments?: readonly string[];
  dealTypes?: readonly string[];
}

const filterLabels: Record<FilterKey, string> = {
  source: 'Source',
  campaign: 'Campaign',
  segment: 'Segment',
  dealType: 'Deal type',
};

function suggestions(options: FilterOptions, key: FilterKey): readonly { value: string; label: string }[] {
  if (key === 'campaign') return (options.campaigns ?? []).map((c) => ({ value: c.id, label: c.label }));
  const list = key === 'source' ? options.sources : key === 'segment' ? options.segments : options.dealTypes;
  return (list ?? []).map((value) => ({ value, label: value }));
}

/** `options`: suggestions for the text filters, or a promise of them when the page streams the answer they come from. */
export function FilterBar({ options = {} }: { options?: FilterOptions | Promise<FilterOptions> }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const current = parseFilters(searchParams);
  // Remount the form when the URL changes (back button, a link) so its fields show the URL's state.
  return <FilterForm key={searchParams.toString()} current={current} options={options} onApply={(state) => apply(state)} />;

  function apply(state: FilterState) {
    const query = withFilters(new URLSearchParams(searchParams.toString()), state).toString();
    router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }
}

/** The datalist of one text filter, once its suggestions are known; none when there are none. */
function Suggestions({ options, filter }: { options: FilterOptions | Promise<FilterOptions>; filter: FilterKey }) {
  const list = suggestions(options instanceof Promise ? use(options) : options, filter);
  if (list.length === 0) return null;
  return (
    <datalist id={`filter-${filter}-options`}>
      {list.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </datalist>
  );
}

function FilterForm({ current, options, onApply }: { current: FilterState; options: FilterOptions | Promise<FilterOptions>; onApply: (state: FilterState) => void }) {
  const [preset, setPreset] = useState<RangePreset>(current.preset);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' && value.trim() ? value.trim() : undefined;
    };
    const state: FilterState = { preset };
    if (preset === 'custom') {
      state.from = text('from');
      state.to = text('to');
    }
    for (const key of filterKeys) state[key] = text(key);
    startTransition(() => onApply(state));
  }

  function reset() {
    setPreset('last12Months');
    startTransition(() => onApply({ preset: 'last12Months' }));
  }

  return (
    <form className={styles.filterBar} onSubmit={submit} aria-label="Filters" data-pending={pending || undefined}>
      <div className={styles.field}>
        <label htmlFor="filter-range">Date range</label>
        <select id="filter-range" name="range" value={preset} onChange={(e) => setPreset(e.target.value as RangePreset)}>
          {rangePresets.map((p) => (
            <option key={p} value={p}>
              {rangePresetLabels[p]}
            </option>
          ))}
        </select>
      </div>
      {preset === 'custom' ? (
        <>
          <div className={styles.field}>
            <label htmlFor="filter-from">From</label>
            <input id="filter-from" name="from" type="date" defaultValue={current.from} required />
          </div>
          <div className={styles.field}>
            <label htmlFor="filter-to">To (included)</label>
            <input id="filter-to" name="to" type="date" defaultValue={current.to} required />
          </div>
        </>
      ) : null}
      {filterKeys.map((key) => {
        // A streamed answer may bring suggestions for any filter; known ones only where there are some.
        const listed = options instanceof Promise || suggestions(options, key).length > 0;
        return (
          <div className={styles.field} key={key}>
            <label htmlFor={`filter-${key}`}>{filterLabels[key]}</label>
            <input id={`filter-${key}`} name={key} type="text" defaultValue={current[key] ?? ''} placeholder="all" list={listed ? `filter-${key}-options` : undefined} autoComplete="off" />
            {listed ? (
              <Suspense fallback={null}>
                <Suggestions options={options} filter={key} />
              </Suspense>
            ) : null}
          </div>
        );
      })}
      <div className={styles.filterActions}>
        <button type="submit" className={`${styles.button} ${styles.primary}`}>
          Apply
        </button>
        <button type="button" className={styles.button} onClick={reset}>
          Reset
        </button>
        <span role="status" className={styles.muted}>
          {pending ? 'Updating…' : ''}
        </span>
      </div>
    </form>
  );
}
