'use client';
// Values by category (source, campaign, stage) as bars; horizontal suits long category names.
import { Bar, BarChart, CartesianGrid, Cell, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue, type FormatKind } from '~/lib/format';
import { EmptyState } from '../States';
import { MaskedBadge } from '../Value';
import { ChartFrame, palette, type Datum, type Series } from './ChartFrame';
import { drawable, everySeriesMasked } from './chartData';

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
  const valueTick = (value: number) => formatValue(valueFormat, value);
  const categoryTick = (value: string | number) => formatValue(categoryFormat, String(value));
  const single = series.length === 1;
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
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} layout={horizontal ? 'vertical' : 'horizontal'} margin={{ top: 8, right: showValues ? 56 : 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ee" horizontal={!horizontal} vertical={horizontal} />
          {horizontal ? (
            <>
              <XAxis type="number" tickFormatter={valueTick} tick={{ fill: '#454f5e', fontSize: 12 }} />
              <YAxis type="category" dataKey={categoryKey} tickFormatter={categoryTick} tick={{ fill: '#1c2430', fontSize: 12 }} width={150} />
            </>
          ) : (
            <>
              <XAxis dataKey={categoryKey} tickFormatter={categoryTick} tick={{ fill: '#454f5e', fontSize: 12 }} interval={0} />
              <YAxis tickFormatter={valueTick} tick={{ fill: '#454f5e', fontSize: 12 }} width={72} />
            </>
          )}
          <Tooltip labelFormatter={(label) => categoryTick(String(label))} formatter={(value) => (typeof value === 'number' ? valueTick(value) : String(value))} cursor={{ fill: '#f0f3f8' }} />
          {single ? null : <Legend itemSorter={null} />}
          {series.map((s, i) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              fill={palette[i % palette.length]}
              isAnimationActive={false}
              cursor={onSelect ? 'pointer' : undefined}
              onClick={onSelect ? (entry: { payload?: Record<string, unknown> }) => onSelect(String(entry.payload?.[categoryKey] ?? '')) : undefined}
            >
              {single
                ? points.map((p) => (
                    <Cell key={String(p[categoryKey])} fill={selected && p[categoryKey] !== selected ? '#9db8e8' : palette[i % palette.length]} />
                  ))
                : null}
              {showValues ? <LabelList dataKey={s.key} position={horizontal ? 'right' : 'top'} formatter={(v: unknown) => (typeof v === 'number' ? valueTick(v) : '')} fill="#1c2430" fontSize={12} /> : null}
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
