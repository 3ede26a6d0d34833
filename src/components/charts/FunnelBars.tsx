'use client';
// The seven stages as horizontal bars, each labelled with its count; conversion between stages is
// in the table alternative and in the page's stage table.
import type { FormatKind } from '~/lib/format';
import { CategoryBars } from './CategoryBars';
import type { Datum } from './ChartFrame';

export interface FunnelBarsProps {
  ariaLabel: string;
  caption: string;
  /** one entry per stage, in order: { stage, label, journeys, conversionToNext } */
  data: readonly Datum[];
  valueFormat?: FormatKind;
  onSelect?: (stage: string) => void;
  selected?: string | null;
}

export function FunnelBars({ ariaLabel, caption, data, valueFormat = 'count', onSelect, selected }: FunnelBarsProps) {
  // Bars are drawn by label; selection speaks in stage names.
  const stageOf = (label: string) => String(data.find((d) => d.label === label)?.stage ?? label);
  const labelOf = (stage: string) => String(data.find((d) => d.stage === stage)?.label ?? stage);
  return (
    <CategoryBars
      ariaLabel={ariaLabel}
      caption={caption}
      data={data}
      categoryKey="label"
      categoryLabel="Stage"
      series={[{ key: 'journeys', label: 'Journeys', format: valueFormat }]}
      tableOnly={[{ key: 'conversionToNext', label: 'Conversion to next stage', format: 'percent' }]}
      valueFormat={valueFormat}
      layout="horizontal"
      showValues
      onSelect={onSelect ? (label) => onSelect(stageOf(label)) : undefined}
      selected={selected ? labelOf(selected) : null}
    />
  );
}
