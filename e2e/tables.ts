// Reading what a page shows: data tables by caption (raw cell values) and headline figures, in the
// shape the tRPC answers are compared with.
import type { Page } from 'playwright-core';

export type Masked = { masked: true };

/** The rows of a data table by its caption: column key -> raw value ("masked" for a masked cell). */
export async function tableRows(page: Page, caption: string): Promise<Record<string, string>[]> {
  const table = page.getByRole('table', { name: caption, exact: true });
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => Object.fromEntries([...row.querySelectorAll('[data-col]')].map((cell) => [cell.getAttribute('data-col') ?? '', cell.getAttribute('data-value') ?? '']))),
  );
}

/** A value the test's role may see: a masked one is a failure, not a number. */
export function unmasked<T>(value: T): Exclude<T, { masked: true }> {
  if (value !== null && typeof value === 'object' && 'masked' in value) throw new Error('expected a value this role may see, got masked');
  return value as Exclude<T, { masked: true }>;
}

/** A value as a table cell carries it in data-value. */
export function raw(value: number | string | null | Masked | undefined): string {
  if (value !== null && typeof value === 'object') return 'masked';
  return value === null || value === undefined ? '' : String(value);
}

export function statText(page: Page, name: string): Promise<string> {
  return page.locator(`[data-stat="${name}"] > div:nth-child(2)`).innerText();
}
