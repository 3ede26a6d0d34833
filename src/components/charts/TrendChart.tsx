'use client';
// A trend over time (months on the x axis) as lines or stacked-free areas. The frame renders with
// the page; the drawing and its chart library load afterwards (see CategoryBars).
import dynamic from 'next/dynamic';
import type { FormatKind } from '~/lib/format';
import { EmptyState } from '../States';
import { MaskedBadge } from '../Value';
import { ChartFrame, type Datum, type Series } from './ChartFrame';
import { drawable, everySeriesMasked } from './chartData';

const Drawing = dynamic(() => import('./TrendChartDrawing'), { ssr: false });

export interface TrendChartProps {
  ariaLabel: string;
  caption: string;
  data: readonly Datum[];
  xKey: string;
  xLabel: string;
  xFormat?: FormatKind;
  series: readonly Series[];
  valueFormat: FormatKind;
  variant?: 'line' | 'area';
  height?: number;
}

export function TrendChart({ ariaLabel, caption, data, xKey, xLabel, xFormat = 'month', series, valueFormat, variant = 'line', height = 280 }: TrendChartProps) {
  if (data.length === 0) return <EmptyState>No data for these filters.</EmptyState>;
  const masked = everySeriesMasked(data, series);
  const points = drawable(data, xKey, series);
  return (
    <ChartFrame
      ariaLabel={ariaLabel}
      caption={caption}
      data={data}
      categoryKey={xKey}
      categoryLabel={xLabel}
      categoryFormat={xFormat}
      series={series}
      valueFormat={valueFormat}
      height={height}
      note={masked ? <MaskedBadge /> : undefined}
    >
      <Drawing points={points} xKey={xKey} xFormat={xFormat} series={series} valueFormat={valueFormat} variant={variant} />
    </ChartFrame>
  );
}
