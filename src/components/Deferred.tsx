// A page's panels each drawn as soon as their own figures arrive: the page starts every procedure it
// needs at once (`begin`), sends its heading and the panels' frames, and each panel's body waits
// under its own Suspense for the answers it shows (`Deferred`), so the slowest procedure holds up
// only the panels that show it. Several panels may share one answer: the procedure runs once.
import { Suspense, type ReactNode } from 'react';
import type { FreshnessProps } from './RefreshControl';
import { LoadingState } from './States';

/**
 * A procedure call started now and read later by the panels that show it. Marked as handled, so a
 * failure before any panel reads it (or on a page that ends early, e.g. not found) is not an
 * unhandled rejection; every panel that reads it still throws it to the page's error boundary.
 */
export function begin<T>(call: Promise<T>): Promise<T> {
  call.catch(() => {});
  return call;
}

/** The freshness of a streamed answer, for the page heading: only these two fields go to the browser. */
export function freshnessOf(answer: Promise<FreshnessProps>): Promise<FreshnessProps> {
  return begin(answer.then(({ asOf, lagSeconds }) => ({ asOf, lagSeconds })));
}

/** What a panel shows once its answer is in. */
async function Resolved<T>({ value, children }: { value: Promise<T>; children: (value: T) => ReactNode }) {
  return children(await value);
}

/**
 * `children(answer)` once `value` resolves; until then `fallback`, by default the loading state
 * labelled `label` (a panel whose frame comes with its answer passes the frame around it).
 */
export function Deferred<T>({ value, label = 'Loading', fallback, children }: { value: Promise<T>; label?: string; fallback?: ReactNode; children: (value: T) => ReactNode }) {
  return (
    <Suspense fallback={fallback === undefined ? <LoadingState label={label} /> : fallback}>
      <Resolved value={value}>{children}</Resolved>
    </Suspense>
  );
}
