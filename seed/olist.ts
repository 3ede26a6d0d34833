// Imports the Olist marketing funnel data set (8,000 marketing-qualified leads, 842 closed deals)
// through the CSV importer with the saved mappings in seed/mappings: the leads file as leads, the
// deals file as opportunities and as wins. The mapping is described in docs/metrics.md ("Olist import").
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '~/server/db/client';
import { applyPending } from '~/server/projector/projector';
import type { Kind } from '~/server/import/kinds';
import { createImport, runImport } from '~/server/import/run';

export const OLIST_LEADS_FILE = 'olist_marketing_qualified_leads_dataset.csv';
export const OLIST_DEALS_FILE = 'olist_closed_deals_dataset.csv';

export interface OlistSummary {
  leads: number;
  deals: number;
  events: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** The saved mappings, in the order the two systems would have sent their events: leads, then the deals that name them. */
export const olistImports = [
  { file: OLIST_LEADS_FILE, mapping: 'olist-leads.json' },
  { file: OLIST_DEALS_FILE, mapping: 'olist-deals.json' },
  { file: OLIST_DEALS_FILE, mapping: 'olist-wins.json' },
] as const;

export const olistMappingDir = path.join(import.meta.dirname, 'mappings');

export function olistMapping(name: string): { kind: Kind; mapping: Record<string, unknown> } {
  const { kind, ...mapping } = JSON.parse(readFileSync(path.join(olistMappingDir, name), 'utf8')) as { kind: Kind } & Record<string, unknown>;
  return { kind, mapping };
}

export async function importOlist(
  db: Db,
  dir = path.join(process.cwd(), '../shared/data/olist'),
  batchSize = 1000,
): Promise<OlistSummary> {
  const summary: OlistSummary = { leads: 0, deals: 0, events: 0, accepted: 0, duplicates: 0, rejected: 0 };
  for (const step of olistImports) {
    const { kind, mapping } = olistMapping(step.mapping);
    const created = await createImport(db, { file: path.join(dir, step.file), kind, mapping, who: 'seed --olist' });
    const done = await runImport(db, created.id, { batchRows: batchSize });
    if (done.status !== 'done') throw new Error(`Olist import of ${step.file} as ${kind}: ${done.status}${done.error ? `, ${done.error}` : ''}`);
    if (kind === 'leads') summary.leads = done.rowsDone;
    if (kind === 'opportunities') summary.deals = done.rowsDone;
    summary.events += done.events;
    summary.accepted += done.accepted;
    summary.duplicates += done.duplicates;
    summary.rejected += done.invalidRows;
  }
  await applyPending(db, { chunkSize: 20_000 });
  return summary;
}
