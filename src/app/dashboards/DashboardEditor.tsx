'use client';
// Compose a dashboard: a name and tiles, each a kind of chart or table with its date range and
// filters. Only the definition is saved; the figures are computed whenever someone views it.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import styles from '~/components/ui.module.css';
import { rangePresetLabels, rangePresets, type RangePreset } from '~/lib/urlFilters';
import { useMutationAction } from '~/components/useMutationAction';
import { useTRPCClient, type RouterInputs } from '~/trpc/react';

type Definition = RouterInputs['dashboards']['create'];
export type TileDraft = NonNullable<Definition['tiles']>[number];
type Kind = TileDraft['kind'];
type Model = NonNullable<TileDraft['model']>;

interface Props {
  dashboardId?: number;
  initial: { name: string; tiles: TileDraft[] };
  kinds: { kind: Kind; label: string }[];
  models: { model: Model; label: string }[];
}

const filterFields = [
  { key: 'source', label: 'Source' },
  { key: 'campaign', label: 'Campaign' },
  { key: 'segment', label: 'Segment' },
  { key: 'dealType', label: 'Deal type' },
] as const;

const timeless = new Set<Kind>(['forecast', 'kpis']);

export function DashboardEditor({ dashboardId, initial, kinds, models }: Props) {
  const client = useTRPCClient();
  const router = useRouter();
  const [name, setName] = useState(initial.name);
  const [tiles, setTiles] = useState<TileDraft[]>(initial.tiles);
  const { run, error } = useMutationAction();
  const [saving, setSaving] = useState(false);

  const update = (index: number, change: Partial<TileDraft>) => setTiles((all) => all.map((t, i) => (i === index ? { ...t, ...change } : t)));
  const move = (index: number, by: -1 | 1) =>
    setTiles((all) => {
      const next = [...all];
      const [tile] = next.splice(index, 1);
      next.splice(index + by, 0, tile!);
      return next;
    });

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaving(true);
    const definition = { name, tiles };
    const saved = await run(
      () => (dashboardId === undefined ? client.dashboards.create.mutate(definition) : client.dashboards.update.mutate({ id: dashboardId, ...definition })),
      { refresh: false },
    );
    if (!saved) return setSaving(false);
    router.push(`/dashboards/${saved.id}`);
    router.refresh();
  }

  return (
    <form onSubmit={save} aria-label={dashboardId === undefined ? 'New dashboard' : 'Edit dashboard'}>
      <div className={styles.field} style={{ maxWidth: '28rem', marginBottom: '1rem' }}>
        <label htmlFor="dashboard-name">Name</label>
        <input id="dashboard-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </div>
      <ol style={{ padding: 0, listStyle: 'none' }} aria-label="Tiles">
        {tiles.map((tile, index) => {
          const id = `tile-${index}`;
          const preset: RangePreset = tile.range ? 'custom' : (tile.preset ?? 'last90');
          return (
            <li key={index} className={styles.panel} data-tile-editor={index}>
              <fieldset style={{ border: 'none', padding: 0, margin: 0 }}>
                <legend className={styles.panelTitle}>Tile {index + 1}</legend>
                <div className={styles.filterBar}>
                  <div className={styles.field}>
                    <label htmlFor={`${id}-kind`}>Shows</label>
                    <select id={`${id}-kind`} value={tile.kind} onChange={(e) => update(index, { kind: e.target.value as Kind })}>
                      {kinds.map((k) => (
                        <option key={k.kind} value={k.kind}>
                          {k.label}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className={styles.field}>
                    <label htmlFor={`${id}-title`}>Title (optional)</label>
                    <input id={`${id}-title`} value={tile.title ?? ''} maxLength={120} onChange={(e) => update(index, { title: e.target.value || undefined })} />
                  </div>
                  {tile.kind === 'attributionByChannel' || tile.kind === 'attributionByCampaign' ? (
                    <div className={styles.field}>
                      <label htmlFor={`${id}-model`}>Model</label>
                      <select id={`${id}-model`} value={tile.model ?? 'linear'} onChange={(e) => update(index, { model: e.target.value as Model })}>
                        {models.map((m) => (
                          <option key={m.model} value={m.model}>
                            {m.label}
                          </option>
                        ))}
                      </select>
                    </div>
                  ) : null}
                  {timeless.has(tile.kind) ? null : (
                    <>
                      <div className={styles.field}>
                        <label htmlFor={`${id}-range`}>Date range</label>
                        <select
                          id={`${id}-range`}
                          value={preset}
                          onChange={(e) => {
                            const next = e.target.value as RangePreset;
                            update(index, next === 'custom' ? { preset: undefined, range: tile.range ?? { from: '', to: '' } } : { preset: next, range: undefined });
                          }}
                        >
                          {rangePresets.map((p) => (
                            <option key={p} value={p}>
                              {rangePresetLabels[p]}
                            </option>
                          ))}
                        </select>
                      </div>
                      {tile.range ? (
                        <>
                          <div className={styles.field}>
                            <label htmlFor={`${id}-from`}>From</label>
                            <input id={`${id}-from`} type="date" required value={tile.range.from} onChange={(e) => update(index, { range: { from: e.target.value, to: tile.range?.to ?? '' } })} />
                          </div>
                          <div className={styles.field}>
                            <label htmlFor={`${id}-to`}>To (excluded)</label>
                            <input id={`${id}-to`} type="date" required value={tile.range.to} onChange={(e) => update(index, { range: { from: tile.range?.from ?? '', to: e.target.value } })} />
                          </div>
                        </>
                      ) : null}
                      {filterFields.map((f) => (
                        <div className={styles.field} key={f.key}>
                          <label htmlFor={`${id}-${f.key}`}>{f.label}</label>
                          <input
                            id={`${id}-${f.key}`}
                            placeholder="all"
                            value={tile.filters?.[f.key] ?? ''}
                            onChange={(e) => update(index, { filters: { ...tile.filters, [f.key]: e.target.value.trim() ? e.target.value : undefined } })}
                          />
                        </div>
                      ))}
                    </>
                  )}
                  <div className={styles.filterActions}>
                    <button type="button" className={styles.button} onClick={() => move(index, -1)} disabled={index === 0} aria-label={`Move tile ${index + 1} up`}>
                      Up
                    </button>
                    <button type="button" className={styles.button} onClick={() => move(index, 1)} disabled={index === tiles.length - 1} aria-label={`Move tile ${index + 1} down`}>
                      Down
                    </button>
                    <button type="button" className={styles.button} onClick={() => setTiles((all) => all.filter((_, i) => i !== index))} aria-label={`Remove tile ${index + 1}`}>
                      Remove
                    </button>
                  </div>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <div className={styles.filterActions}>
        <button type="button" className={styles.button} onClick={() => setTiles((all) => [...all, { kind: 'funnel', preset: 'last90', filters: {} }])} disabled={tiles.length >= 24}>
          Add a tile
        </button>
        <button type="submit" className={`${styles.button} ${styles.primary}`} disabled={saving}>
          {saving ? 'Saving…' : 'Save dashboard'}
        </button>
      </div>
      {error ? (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      ) : null}
    </form>
  );
}
