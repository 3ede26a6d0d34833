'use client';
// A trend over time (months on the x axis) as lines or stacked-free areas.
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue, type FormatKind } from '~/lib/format';
import { EmptyState } from '../States';
import { MaskedBadge } from '../Value';
import { ChartFrame, palette, type Datum, type Series } from './ChartFrame';
import { drawable, everySeriesMasked } from './chartData';

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
  const axisTick = (value: string | number) => formatValue(xFormat, typeof value === 'number' ? value : String(value));
  const valueTick = (value: number) => formatValue(valueFormat, value);
  const shared = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ee" />
      <XAxis dataKey={xKey} tickFormatter={axisTick} tick={{ fill: '#454f5e', fontSize: 12 }} />
      <YAxis tickFormatter={valueTick} tick={{ fill: '#454f5e', fontSize: 12 }} width={72} />
      <Tooltip labelFormatter={(label) => axisTick(String(label))} formatter={(value) => (typeof value === 'number' ? valueTick(value) : String(value))} />
      <Legend itemSorter={null} />
    </>
  );
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
      <ResponsiveContainer width="100%" height="100%">
        {variant === 'area' ? (
          <AreaChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            {shared}
            {series.map((s, i) => (
              <Area key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={palette[i % palette.length]} fill={palette[i % palette.length]} fillOpacity={0.15} isAnimationActive={false} />
            ))}
          </AreaChart>
        ) : (
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            {shared}
            {series.map((s, i) => (
              <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={palette[i % palette.length]} strokeWidth={2} dot={false} isAnimationActive={false} />
            ))}
          </LineChart>
        )}
      </ResponsiveContainer>
    </ChartFrame>
  );
}
