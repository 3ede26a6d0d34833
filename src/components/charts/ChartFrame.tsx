// A chart's frame: a figure named for screen readers, a caption, and the same data as a table
// (folded) for those who cannot read the chart.
import type { ReactNode } from 'react';
import type { CellValue, FormatKind } from '~/lib/format';
import { Value } from '../Value';
import styles from '../ui.module.css';

export interface Series {
  key: string;
  label: string;
  /** defaults to the chart's valueFormat */
  format?: FormatKind;
}

export type Datum = Readonly<Record<string, CellValue>>;

export interface ChartFrameProps {
  ariaLabel: string;
  caption: string;
  data: readonly Datum[];
  categoryKey: string;
  categoryLabel: string;
  categoryFormat?: FormatKind;
  series: readonly Series[];
  valueFormat: FormatKind;
  height: number;
  /** a note instead of the drawing, e.g. when the values are masked */
  note?: ReactNode;
  children: ReactNode;
}

export function ChartFrame({ ariaLabel, caption, data, categoryKey, categoryLabel, categoryFormat = 'text', series, valueFormat, height, note, children }: ChartFrameProps) {
  return (
    <figure className={styles.chart} aria-label={ariaLabel}>
      {note ? (
        <div className={styles.chartNote} style={{ minHeight: Math.min(height, 120) }}>
          {note}
        </div>
      ) : (
        <div role="img" aria-label={ariaLabel} style={{ width: '100%', height }}>
          {children}
        </div>
      )}
      <figcaption className={styles.muted}>{caption}</figcaption>
      <details className={styles.chartTable}>
        <summary>Show the data as a table</summary>
        <table className={styles.table}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{categoryLabel}</th>
              {series.map((s) => (
                <th scope="col" key={s.key} className={styles.num}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.map((d, index) => (
              <tr key={`${String(d[categoryKey])}-${index}`}>
                <th scope="row">
                  <Value kind={categoryFormat} value={d[categoryKey]} />
                </th>
                {series.map((s) => (
                  <td key={s.key} className={styles.num}>
                    <Value kind={s.format ?? valueFormat} value={d[s.key]} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** Chart colours, each with at least 3:1 contrast on white. */
export const palette = ['#2f6fdb', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207'] as const;
