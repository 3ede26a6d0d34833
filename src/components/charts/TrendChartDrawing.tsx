'use client';
// The lines or areas themselves (recharts), loaded after the page's numbers and tables are on screen.
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue, type FormatKind } from '~/lib/format';
import { palette, type Series } from './ChartFrame';

export interface TrendChartDrawingProps {
  points: Record<string, string | number | null>[];
  xKey: string;
  xFormat: FormatKind;
  series: readonly Series[];
  valueFormat: FormatKind;
  variant: 'line' | 'area';
}

export default function TrendChartDrawing({ points, xKey, xFormat, series, valueFormat, variant }: TrendChartDrawingProps) {
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
  );
}
