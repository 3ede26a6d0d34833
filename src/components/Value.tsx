// One value as text, or the visible "masked" badge when the viewer's role may not see it.
import { formatValue, MASKED_TEXT, type CellValue, type FormatKind } from '~/lib/format';
import { isMasked } from '~/lib/masked';
import styles from './ui.module.css';

export function MaskedBadge() {
  return (
    <span className={styles.masked} data-masked="true" title="Your role may not see this value">
      {MASKED_TEXT}
      <span className="visually-hidden"> (hidden for your role)</span>
    </span>
  );
}

export function Value({ kind, value }: { kind: FormatKind; value: CellValue | undefined }) {
  if (isMasked(value)) return <MaskedBadge />;
  return <>{formatValue(kind, value)}</>;
}
