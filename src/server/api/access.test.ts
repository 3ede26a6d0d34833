// Every procedure must say who may call it: `publicProcedure` or `authedProcedure.need(right)`.
import { describe, expect, it } from 'vitest';
import { rights } from '~/server/auth/rights';
import { appRouter } from './root';
import type { Meta } from './trpc';

function procedures(): [string, Meta | undefined][] {
  return Object.entries(appRouter._def.procedures).map(([path, procedure]) => [
    path,
    (procedure as unknown as { _def: { meta?: Meta } })._def.meta,
  ]);
}

describe('access declarations', () => {
  it('lists the procedures of the app router', () => {
    expect(procedures().map(([path]) => path)).toContain('auth.me');
  });

  it.each(procedures())('%s declares public access or exactly one right', (_path, meta) => {
    const declared = meta?.public === true || (meta?.right !== undefined && (rights as readonly string[]).includes(meta.right));
    expect(declared).toBe(true);
    expect(meta?.public === true && meta.right !== undefined).toBe(false);
  });
});
