// The alert loop inside the app server: rules are evaluated shortly after the projector applies a
// chunk (in-process `onApplied`), and on a timer for what moves with the clock (an SLA running
// out, a silent key, a period elapsing); the outbox is delivered on a shorter timer; daily or
// weekly digests are queued when SMTP is configured. Across instances the evaluation lease and the
// outbox's skip-locked claim keep every evaluation and delivery to one instance.
import type { Db } from '~/server/db/client';
import { onApplied } from '~/server/projector/signal';
import { smtpFromEnv } from './channels';
import { deliverDue } from './delivery';
import { digestFrequency, queueDigests } from './digest';
import { evaluateRules } from './evaluate';

export interface AlertLoopOptions {
  /** evaluate every rule this often (time-driven rules) */
  evaluateEveryMs?: number;
  /** after an applied chunk, evaluate at most this often */
  afterChunkMs?: number;
  deliverEveryMs?: number;
  log?: (message: string) => void;
}

export interface RunningAlerts {
  /** evaluates now (and delivers); resolves when done */
  tick(): Promise<void>;
  stop(): void;
}

export function runAlerts(getDb: () => Promise<Db>, options: AlertLoopOptions = {}): RunningAlerts {
  const evaluateEveryMs = options.evaluateEveryMs ?? 60_000;
  const afterChunkMs = options.afterChunkMs ?? 5_000;
  const deliverEveryMs = options.deliverEveryMs ?? 5_000;
  const log = options.log ?? ((message: string) => console.error(`[alerts] ${message}`));
  let running: Promise<void> | null = null;
  let again = false;
  let afterChunk: NodeJS.Timeout | null = null;
  let delivering = false;

  const report = (what: string) => (error: unknown) => log(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);

  async function evaluateOnce(): Promise<void> {
    const db = await getDb();
    await evaluateRules(db);
    const frequency = digestFrequency();
    if (frequency && smtpFromEnv()) await queueDigests(db, new Date(), { frequency });
    await deliverDue(db);
  }

  function tick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = evaluateOnce()
      .catch(report('evaluation'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          void tick();
        }
      });
    return running;
  }

  async function deliver(): Promise<void> {
    if (delivering) return;
    delivering = true;
    try {
      await deliverDue(await getDb());
    } catch (error) {
      report('delivery')(error);
    } finally {
      delivering = false;
    }
  }

  const stopListening = onApplied(() => {
    afterChunk ??= setTimeout(() => {
      afterChunk = null;
      void tick();
    }, afterChunkMs);
  });
  const evaluateTimer = setInterval(() => void tick(), evaluateEveryMs);
  const deliverTimer = setInterval(() => void deliver(), deliverEveryMs);
  evaluateTimer.unref();
  deliverTimer.unref();
  const first = setTimeout(() => void tick(), 1_000);
  first.unref();

  return {
    tick,
    stop() {
      stopListening();
      clearInterval(evaluateTimer);
      clearInterval(deliverTimer);
      clearTimeout(first);
      if (afterChunk) clearTimeout(afterChunk);
    },
  };
}
