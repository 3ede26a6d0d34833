import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('parseEnv', () => {
  it('gives the defaults for an empty environment', () => {
    const env = parseEnv({});
    expect(env.INGEST_MAX_BYTES).toBe(4_194_304);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PROJECTOR).toBe('in-process');
    expect(env.ALERTS_EVALUATE_MS).toBe(60_000);
    expect(env.SMTP_PORT).toBe(587);
    expect(env.SMTP_SECURE).toBe(false);
    expect(env.OIDC_RECHECK_SECONDS).toBe(60);
  });

  it('reads an empty value as unset', () => {
    expect(parseEnv({ DATABASE_URL: '', INGEST_MAX_BYTES: ' ' }).INGEST_MAX_BYTES).toBe(4_194_304);
  });

  it('parses numbers and switches', () => {
    const env = parseEnv({ INGEST_MAX_BYTES: '8388608', SMTP_SECURE: 'true', ALERTS: 'off', DATABASE_URL: 'postgres://u@h:5432/db' });
    expect(env).toMatchObject({ INGEST_MAX_BYTES: 8_388_608, SMTP_SECURE: true, ALERTS: 'off', DATABASE_URL: 'postgres://u@h:5432/db' });
  });

  it('refuses INGEST_MAX_BYTES=4MB, naming the variable, its value and the expected form', () => {
    let error: unknown;
    try {
      parseEnv({ INGEST_MAX_BYTES: '4MB' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).message).toBe(
      'invalid environment:\n  INGEST_MAX_BYTES="4MB": must be a number of bytes as a plain whole number, e.g. 4194304',
    );
  });

  it('lists every bad variable at once', () => {
    expect(() => parseEnv({ SMTP_PORT: '70000' })).toThrow('SMTP_PORT="70000": must be at most 65535');
    expect(() => parseEnv({ PROJECTOR: 'elsewhere' })).toThrow('PROJECTOR="elsewhere": must be one of in-process, external');
    const problems = (() => {
      try {
        parseEnv({ SMTP_PORT: '70000', PROJECTOR: 'elsewhere', DATABASE_URL: 'mysql://x' });
        return [];
      } catch (error) {
        return (error as EnvError).problems.map((p) => p.name).sort();
      }
    })();
    expect(problems).toEqual(['DATABASE_URL', 'PROJECTOR', 'SMTP_PORT']);
  });
});

describe('checkEnv at start', () => {
  it('ends the process with exit code 78 and a clear message', () => {
    const tsx = path.join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const result = spawnSync(tsx, ['-e', "import('./src/env.ts').then((m) => { m.checkEnv(); console.log('started'); })"], {
      env: { ...process.env, INGEST_MAX_BYTES: '4MB' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stdout).not.toContain('started');
    expect(result.stderr).toContain('INGEST_MAX_BYTES="4MB": must be a number of bytes');
  });
});
