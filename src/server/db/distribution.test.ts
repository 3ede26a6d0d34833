// The distribution map against the drizzle schema: every table placed, every key of a distributed
// table carrying its distribution column, foreign keys only where Citus keeps them local.
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { distribution, placementOrder, schemaTables, type Placement } from './distribution';

interface TableFacts {
  name: string;
  columns: Map<string, { type: string; notNull: boolean }>;
  /** primary key and every unique constraint or unique index, as column-name lists (null: an expression) */
  keys: { name: string; columns: (string | null)[] }[];
  foreignKeys: { name: string; columns: string[]; target: string; targetColumns: string[] }[];
}

function facts(table: PgTable): TableFacts {
  const config = getTableConfig(table);
  // serial columns are integers whose default is a sequence: compare them as their type
  const storedType = (type: string) => ({ serial: 'integer', bigserial: 'bigint', smallserial: 'smallint' })[type] ?? type;
  const columns = new Map(config.columns.map((c) => [c.name, { type: storedType(c.getSQLType()), notNull: c.notNull }]));
  const keys: TableFacts['keys'] = [];
  for (const c of config.columns) {
    if (c.primary) keys.push({ name: `${config.name} primary key`, columns: [c.name] });
    if (c.isUnique) keys.push({ name: `${config.name}.${c.name} unique`, columns: [c.name] });
  }
  for (const pk of config.primaryKeys) keys.push({ name: pk.getName(), columns: pk.columns.map((c) => c.name) });
  for (const u of config.uniqueConstraints) keys.push({ name: u.getName() ?? 'unique', columns: u.columns.map((c) => c.name) });
  for (const index of config.indexes) {
    if (!index.config.unique) continue;
    keys.push({
      name: index.config.name ?? 'unique index',
      columns: index.config.columns.map((c) => ('name' in c && typeof c.name === 'string' ? c.name : null)),
    });
  }
  const foreignKeys = config.foreignKeys.map((fk) => {
    const ref = fk.reference();
    return {
      name: fk.getName(),
      columns: ref.columns.map((c) => c.name),
      target: getTableConfig(ref.foreignTable).name,
      targetColumns: ref.foreignColumns.map((c) => c.name),
    };
  });
  return { name: config.name, columns, keys, foreignKeys };
}

/** The rules of docs/scale.md; returns what breaks them (empty: the schema can be placed). */
export function violations(tables: TableFacts[], map: Record<string, Placement>): string[] {
  const found: string[] = [];
  const byName = new Map(tables.map((t) => [t.name, t]));
  const groupOf = (name: string): string | null => {
    const p = map[name];
    return p?.kind === 'distributed' ? (p.colocateWith ?? name) : null;
  };
  for (const name of Object.keys(map)) if (!byName.has(name)) found.push(`${name} is in the map but not in the schema`);
  for (const t of tables) {
    const placement = map[t.name];
    if (!placement) {
      found.push(`${t.name} is not in the distribution map`);
      continue;
    }
    if (placement.kind === 'distributed') {
      const column = t.columns.get(placement.column);
      if (!column) found.push(`${t.name}: distribution column ${placement.column} does not exist`);
      else if (!column.notNull) found.push(`${t.name}: distribution column ${placement.column} may be null`);
      for (const key of t.keys) {
        if (!key.columns.includes(placement.column)) found.push(`${t.name}: key ${key.name} lacks the distribution column ${placement.column}`);
      }
      if (placement.colocateWith) {
        const anchor = map[placement.colocateWith];
        const anchorTable = byName.get(placement.colocateWith);
        if (anchor?.kind !== 'distributed' || anchor.colocateWith) {
          found.push(`${t.name}: co-located with ${placement.colocateWith}, which does not head a distributed group`);
        } else if (anchorTable && column && anchorTable.columns.get(anchor.column)?.type !== column.type) {
          found.push(`${t.name}: distribution column type ${column.type} differs from ${placement.colocateWith}'s`);
        }
      }
    }
    for (const fk of t.foreignKeys) {
      const target = map[fk.target];
      if (!target) continue; // reported as an unmapped table
      const where = `${t.name}: foreign key ${fk.name} to ${fk.target}`;
      if (placement.kind === 'reference' && target.kind !== 'reference') found.push(`${where}: a reference table may only point at reference tables`);
      if (placement.kind === 'local' && target.kind === 'distributed') found.push(`${where}: a local table may not point at a distributed table`);
      if (placement.kind === 'distributed' && target.kind === 'local') found.push(`${where}: a distributed table may not point at a local table`);
      if (placement.kind === 'distributed' && target.kind === 'distributed') {
        if (groupOf(t.name) !== groupOf(fk.target)) found.push(`${where}: not co-located`);
        else {
          const at = fk.targetColumns.indexOf(target.column);
          if (at < 0 || fk.columns[at] !== placement.column) found.push(`${where}: does not join on the distribution columns`);
        }
      }
    }
  }
  return found;
}

const schemaFacts = schemaTables().map(facts);

describe('distribution map', () => {
  it('places every table of the schema, and keeps every rule', () => {
    expect(violations(schemaFacts, distribution)).toEqual([]);
  });

  it('reads the schema: touches is keyed by (visitor_id, event_pk); the map covers the 49 tables', () => {
    const touches = schemaFacts.find((t) => t.name === 'touches')!;
    expect(touches.keys.map((k) => k.columns)).toEqual([['visitor_id', 'event_pk']]);
    expect(schemaFacts).toHaveLength(49);
    expect(Object.keys(distribution)).toHaveLength(49);
  });

  it('fails a table left out, a key without the distribution column, and foreign keys Citus cannot keep', () => {
    const { touches: _touches, ...withoutTouches } = distribution;
    expect(violations(schemaFacts, withoutTouches)).toEqual(['touches is not in the distribution map']);

    // events' unique (api_key_id, event_id) and primary key id lack entity_key
    expect(violations(schemaFacts, { ...distribution, events: { kind: 'distributed', column: 'entity_key' } })).toEqual([
      'events: key events primary key lacks the distribution column entity_key',
      'events: key events_key_event_uq lacks the distribution column entity_key',
    ]);

    // leads' account may be null
    expect(violations(schemaFacts, { ...distribution, leads: { kind: 'distributed', column: 'account_id' } })).toEqual([
      'leads: distribution column account_id may be null',
      'leads: key leads primary key lacks the distribution column account_id',
    ]);

    // users distributed: its unique email and sso subject lack id, and the reference tables pointing at it break
    expect(violations(schemaFacts, { ...distribution, users: { kind: 'distributed', column: 'id' } })).toEqual([
      'users: key users.email unique lacks the distribution column id',
      'users: key users.sso_subject unique lacks the distribution column id',
      'auth_sessions: foreign key auth_sessions_user_id_users_id_fk to users: a reference table may only point at reference tables',
      'dashboards: foreign key dashboards_owner_id_users_id_fk to users: a reference table may only point at reference tables',
      'note_reads: foreign key note_reads_user_id_users_id_fk to users: a reference table may only point at reference tables',
    ]);

    // import_errors distributed by import_id while imports stays local
    expect(
      violations(schemaFacts, { ...distribution, imports: { kind: 'distributed', column: 'id' }, import_errors: { kind: 'distributed', column: 'import_id' } }),
    ).toEqual([
      'import_errors: key import_errors primary key lacks the distribution column import_id',
      'import_errors: foreign key import_errors_import_id_imports_id_fk to imports: not co-located',
    ]);
    expect(
      violations(schemaFacts, {
        ...distribution,
        imports: { kind: 'distributed', column: 'id' },
        import_errors: { kind: 'distributed', column: 'id', colocateWith: 'imports' },
      }),
    ).toEqual([
      "import_errors: distribution column type bigint differs from imports's",
      'import_errors: foreign key import_errors_import_id_imports_id_fk to imports: does not join on the distribution columns',
    ]);
  });

  it('places reference tables before the tables that point at them, and group heads before their members', () => {
    const order = placementOrder();
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('auth_sessions'));
    expect(order.indexOf('leads')).toBeLessThan(order.indexOf('touches'));
    expect(order.indexOf('leads')).toBeLessThan(order.indexOf('attribution_credits'));
  });
});
