'use client';
// The bars themselves (recharts), loaded after the page's numbers and tables are on screen.
import { Bar, BarChart, CartesianGrid, Cell, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue, type FormatKind } from '~/lib/format';
import { palette, type Series } from './ChartFrame';

export interface CategoryBarsDrawingProps {
  points: Record<string, string | number | null>[];
  categoryKey: string;
  categoryFormat: FormatKind;
  series: readonly Series[];
  valueFormat: FormatKind;
  horizontal: boolean;
  showValues: boolean;
  onSelect?: (category: string) => void;
  selected?: string | null;
}

export default function CategoryBarsDrawing({ points, categoryKey, categoryFormat, series, valueFormat, horizontal, showValues, onSelect, selected }: CategoryBarsDrawingProps) {
  const valueTick = (value: number) => formatValue(valueFormat, value);
  const categoryTick = (value: string | number) => formatValue(categoryFormat, String(value));
  const single = series.length === 1;
  return (
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
  );
}
