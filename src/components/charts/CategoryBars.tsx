'use client';
// Values by category (source, campaign, stage) as bars; horizontal suits long category names. The
// frame (caption, table alternative, a box of the chart's size) renders with the page; the drawing
// and its chart library load afterwards, so numbers and tables never wait for them.
import dynamic from 'next/dynamic';
import type { FormatKind } from '~/lib/format';
import { EmptyState } from '../States';
import { MaskedBadge } from '../Value';
import { ChartFrame, type Datum, type Series } from './ChartFrame';
import { drawable, everySeriesMasked } from './chartData';

const Drawing = dynamic(() => import('./CategoryBarsDrawing'), { ssr: false });

export interface CategoryBarsProps {
  ariaLabel: string;
  caption: string;
  data: readonly Datum[];
  categoryKey: string;
  categoryLabel: string;
  categoryFormat?: FormatKind;
  series: readonly Series[];
  valueFormat: FormatKind;
  /** horizontal: categories down the side */
  layout?: 'horizontal' | 'vertical';
  /** print each bar's value at its end */
  showValues?: boolean;
  height?: number;
  /** called with the category of a clicked bar */
  onSelect?: (category: string) => void;
  /** the category drawn highlighted */
  selected?: string | null;
  /** columns of the table alternative that are not drawn */
  tableOnly?: readonly Series[];
}

export function CategoryBars({
  ariaLabel,
  caption,
  data,
  categoryKey,
  categoryLabel,
  categoryFormat = 'text',
  series,
  valueFormat,
  layout = 'vertical',
  showValues = false,
  height,
  onSelect,
  selected,
  tableOnly = [],
}: CategoryBarsProps) {
  if (data.length === 0) return <EmptyState>No data for these filters.</EmptyState>;
  const masked = everySeriesMasked(data, series);
  const points = drawable(data, categoryKey, series);
  const horizontal = layout === 'horizontal';
  const chartHeight = height ?? (horizontal ? Math.max(160, data.length * (28 + 8 * series.length) + 48) : 280);
  return (
    <ChartFrame
      ariaLabel={ariaLabel}
      caption={caption}
      data={data}
      categoryKey={categoryKey}
      categoryLabel={categoryLabel}
      categoryFormat={categoryFormat}
      series={[...series, ...tableOnly]}
      valueFormat={valueFormat}
      height={chartHeight}
      note={masked ? <MaskedBadge /> : undefined}
    >
      <Drawing points={points} categoryKey={categoryKey} categoryFormat={categoryFormat} series={series} valueFormat={valueFormat} horizontal={horizontal} showValues={showValues} onSelect={onSelect} selected={selected} />
    </ChartFrame>
  );
}
