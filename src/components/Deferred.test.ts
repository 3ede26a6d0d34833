import { describe, expect, it } from 'vitest';
import { begin, freshnessOf } from './Deferred';

describe('begin', () => {
  it('lets a call fail before any panel reads it without an unhandled rejection, and still fails for its reader', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const call = begin(Promise.reject(new Error('the procedure failed')));
      // Past the turn in which Node reports unhandled rejections.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      await expect(call).rejects.toThrow('the procedure failed');
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('hands back the same answer to every reader', async () => {
    const call = begin(Promise.resolve({ deals: 3 }));
    const [a, b] = await Promise.all([call, call]);
    expect(a).toBe(b);
  });
});

describe('freshnessOf', () => {
  it('keeps only the freshness of the answer, for the browser', async () => {
    const answer = Promise.resolve({ asOf: '2026-12-01T10:00:00.000Z', lagSeconds: 2.5, rows: [1, 2, 3] });
    expect(await freshnessOf(answer)).toEqual({ asOf: '2026-12-01T10:00:00.000Z', lagSeconds: 2.5 });
  });
});
