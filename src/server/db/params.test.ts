import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { jsonParam } from './params';

const param = (value: unknown) => new PgDialect().sqlToQuery(jsonParam(value)).params[0];

describe('jsonParam', () => {
  it('sends plain JSON as it is', () => {
    expect(param(['c1', 'c2'])).toBe('["c1","c2"]');
    expect(param({ name: 'Zoë 🙂', n: 3 })).toBe('{"name":"Zoë 🙂","n":3}');
  });

  it('turns what jsonb cannot hold into visible text', () => {
    // U+0000 becomes the six characters \u0000; an unpaired surrogate becomes U+FFFD.
    expect(param(['a\u0000b'])).toBe('["a\\\\u0000b"]');
    expect(param({ x: 'a\ud800b' })).toBe('{"x":"a\ufffdb"}');
  });

  it('leaves text that only looks like an escape alone', () => {
    expect(param(['\\u0000'])).toBe('["\\\\u0000"]');
  });
});
