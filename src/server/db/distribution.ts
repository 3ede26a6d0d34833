// Where each table lives on a Citus cluster (docs/scale.md says why). One declared map: every
// table of the schema is in it (distribution.test.ts fails otherwise), and `distribute` applies
// it to a database that has the citus extension; elsewhere it does nothing.
import { is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client';
import * as schema from './schema';

// client.ts calls `distribute` after migrating, so this module keeps its own row reader.
async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

export type Placement =
  /** sharded over the workers by `column`; `colocateWith` names the group's first table */
  | { kind: 'distributed'; column: string; colocateWith?: string }
  /** small and shared: a full copy on every node, joins with anything locally */
  | { kind: 'reference' }
  /** on the coordinator only (a Citus local table): the log, per-request counters, queues */
  | { kind: 'local' };

const reference: Placement = { kind: 'reference' };
const local: Placement = { kind: 'local' };

/** The journey group: a contact's journey, its known touches and what hangs off it, on one shard. */
export const JOURNEY_GROUP = 'leads';

export const distribution: Record<string, Placement> = {
  // access and settings
  api_keys: reference,
  api_key_windows: local,
  users: reference,
  auth_sessions: reference,
  admin_tokens: reference,
  settings: reference,
  sign_in_failures: local,
  audit_log: local,
  // the log and the projector's position
  events: local,
  rejected_events: local,
  projector_state: local,
  // the read model: journeys and touches distributed, the rest shared
  leads: { kind: 'distributed', column: 'contact_id' },
  touches: { kind: 'distributed', column: 'visitor_id', colocateWith: JOURNEY_GROUP },
  identity_links: { kind: 'distributed', column: 'anonymous_id', colocateWith: JOURNEY_GROUP },
  attribution_credits: { kind: 'distributed', column: 'opportunity_id', colocateWith: JOURNEY_GROUP },
  accounts: reference,
  account_events: reference,
  opportunities: reference,
  onboardings: reference,
  tickets: reference,
  campaigns: reference,
  campaign_spend: reference,
  capacity: reference,
  // report rollups: a deal's stored contribution beside its credits; the aggregates (a few
  // thousand cells a filtered two-year call) shared, so every report reads them on one node
  attribution_contributions: { kind: 'distributed', column: 'opportunity_id', colocateWith: JOURNEY_GROUP },
  attribution_rollup: reference,
  journey_cohort_rollup: reference,
  journey_duration_rollup: reference,
  journey_duration_slot_rollup: reference,
  journey_duration_hour_rollup: reference,
  handoff_contributions: { kind: 'distributed', column: 'item_id', colocateWith: JOURNEY_GROUP },
  handoff_rollup: reference,
  spend_rollup: reference,
  customer_items: reference,
  customer_slices: reference,
  customer_event_rollup: reference,
  customer_retention_rollup: reference,
  customer_cohort_rollup: reference,
  customer_values: reference,
  // planning, dashboards, imports, alerts
  kpi_targets: reference,
  dashboards: reference,
  imports: local,
  import_errors: local,
  alert_rules: reference,
  alert_states: local,
  alert_outbox: local,
  alert_deliveries: local,
  alert_leases: local,
  notes: reference,
  note_reads: reference,
};

/** Every table of the drizzle schema, by its SQL name. */
export function schemaTables(): PgTable[] {
  return (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));
}

/** Reference tables first (foreign keys point at them), then local, then distributed groups in order. */
export function placementOrder(): string[] {
  const names = Object.keys(distribution);
  const rank = (name: string): number => {
    const placement = distribution[name]!;
    if (placement.kind === 'reference') return 0;
    if (placement.kind === 'local') return 1;
    return placement.colocateWith ? 3 : 2;
  };
  return names.sort((a, b) => rank(a) - rank(b));
}

/**
 * The first statement of a transaction that writes shared (reference) tables and shards of the
 * journey group and then reads them together: the projector's chunk, a rebuild, a refill, an
 * erasure. On a Citus cluster it makes every statement of the transaction use one connection per
 * worker; with several, a statement reading a shard and a shared table that two different
 * connections wrote is refused ("placements that were modified over multiple connections").
 * Elsewhere it sets a setting nothing reads.
 */
export async function oneConnectionPerWorker(tx: Db): Promise<void> {
  await tx.execute(sql`select set_config('citus.multi_shard_modify_mode', 'sequential', true)`);
}

export async function hasCitus(db: Db): Promise<boolean> {
  const [found] = await rows<{ yes: boolean }>(db, sql`select exists (select 1 from pg_extension where extname = 'citus') as yes`);
  return found?.yes === true;
}

interface Placed {
  name: string;
  partmethod: string;
  repmodel: string;
  column: string | null;
  autoconverted: boolean;
}

function placedKind(row: Placed): Placement['kind'] {
  if (row.partmethod === 'h') return 'distributed';
  return row.repmodel === 't' ? 'reference' : 'local';
}

export interface DistributeResult {
  /** false where the database has no citus extension: nothing was done */
  citus: boolean;
  /** tables placed by this call */
  placed: string[];
}

/**
 * Places every table of the map that is not placed yet: create_reference_table,
 * citus_add_local_table_to_metadata, create_distributed_table with the declared co-location.
 * Idempotent; throws when a table already sits elsewhere than the map says.
 */
export async function distribute(db: Db): Promise<DistributeResult> {
  if (!(await hasCitus(db))) return { citus: false, placed: [] };
  const placed: string[] = [];
  for (const name of placementOrder()) {
    const want = distribution[name]!;
    // Read each time: placing a local table also places the local tables its foreign keys reach.
    const [have] = await rows<Placed>(
      db,
      sql`select logicalrelid::regclass::text as name, partmethod::text as partmethod, repmodel::text as repmodel,
            case when partmethod = 'h' then column_to_column_name(logicalrelid, partkey) end as column, autoconverted
          from pg_dist_partition where logicalrelid = to_regclass(${name})`,
    );
    // Citus made it a local table on its own (it points at a table placed before it): place it now.
    const autoLocal = have?.autoconverted === true && want.kind !== 'local';
    if (have && !autoLocal) {
      const kind = placedKind(have);
      if (kind !== want.kind || (want.kind === 'distributed' && have.column !== want.column)) {
        throw new Error(`${name} is ${kind}${have.column ? ` by ${have.column}` : ''} on this cluster, the map says ${want.kind}`);
      }
      continue;
    }
    const [exists] = await rows<{ yes: boolean }>(db, sql`select to_regclass(${name}) is not null as yes`);
    if (!exists?.yes) continue; // a table of a migration this database has not run yet
    const [data] = autoLocal
      ? [{ yes: false }]
      : await rows<{ yes: boolean }>(db, sql.raw(`select exists (select 1 from only "${name}") as yes`));
    if (want.kind === 'reference') await db.execute(sql`select create_reference_table(${name})`);
    else if (want.kind === 'local') await db.execute(sql`select citus_add_local_table_to_metadata(${name}, cascade_via_foreign_keys => true)`);
    else {
      await db.execute(
        sql`select create_distributed_table(${name}, ${want.column}, colocate_with => ${want.colocateWith ?? 'default'})`,
      );
    }
    // Rows a table held before it was placed were copied into its shards; drop the local copy.
    if (want.kind !== 'local' && data?.yes) await db.execute(sql`select truncate_local_data_after_distributing_table(${name})`);
    placed.push(name);
  }
  return { citus: true, placed };
}
