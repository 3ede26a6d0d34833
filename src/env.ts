// The server's environment, declared and checked in one place: every variable the app reads, with
// its type and default. `env()` is the only reader of process.env in the app; `checkEnv()` runs at
// start (server, CLIs) so that a bad value stops the process with its name and reason instead of
// quietly becoming NaN or a default at first use. An empty value counts as unset.
import { z } from 'zod';

const optionalText = z.string().trim().min(1).optional();

function wholeNumber(what: string, example: number, min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `must be ${what} as a plain whole number, e.g. ${example}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

const envSchema = z.object({
  /** postgres:// URL of the database; unset: the embedded PGlite database */
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** folder of the embedded database */
  PGLITE_DIR: optionalText,
  /** the site's public URL (https:// turns on secure cookies) */
  NEXTAUTH_URL: z.url({ error: 'must be a URL such as https://funnel.example.com' }).optional(),
  /** the key signing session cookies; unset: one generated and kept in the database */
  NEXTAUTH_SECRET: optionalText,
  /** the password of the demo accounts; unset: random ones, printed once */
  DEMO_PASSWORD: z.string().optional(),
  OIDC_ISSUER: z.url({ error: 'must be the provider URL, e.g. https://id.example.com/realms/main' }).optional(),
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  OIDC_SCOPES: z.string().trim().min(1).default('openid email profile groups'),
  OIDC_NAME: optionalText,
  OIDC_RECHECK_SECONDS: wholeNumber('seconds', 60, 0).default(60),
  /** IPs or CIDRs of reverse proxies whose X-Forwarded-For entries are trusted (parsed by clientAddress) */
  TRUSTED_PROXIES: optionalText,
  /** largest ingestion request body, in bytes */
  INGEST_MAX_BYTES: wholeNumber('a number of bytes', 4_194_304, 1024).default(4 * 1024 * 1024),
  IMPORT_UPLOAD_DIR: optionalText,
  PROJECTOR: oneOf(['in-process', 'external']).default('in-process'),
  ALERTS: oneOf(['on', 'off']).default('on'),
  ALERTS_EVALUATE_MS: wholeNumber('milliseconds', 60_000, 1000).default(60_000),
  ALERTS_DIGEST: oneOf(['daily', 'weekly', 'off']).default('weekly'),
  SMTP_HOST: optionalText,
  SMTP_PORT: wholeNumber('a port number', 587, 1, 65_535).default(587),
  SMTP_SECURE: oneOf(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  SMTP_USER: optionalText,
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().trim().min(1).default('Revenue funnel <alerts@localhost>'),
  /** the least severe structured log line written (src/server/log.ts); silent writes none */
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** where `npm start` listens (next start's variables) */
  HOSTNAME: z.string().trim().min(1).default('0.0.0.0'),
  PORT: wholeNumber('a port number', 3000, 1, 65_535).default(3000),
});

export type Env = z.output<typeof envSchema>;
export type EnvSource = Readonly<Record<string, string | undefined>>;

const names = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

export class EnvError extends Error {
  constructor(readonly problems: { name: string; message: string; value: string | undefined }[]) {
    super(
      `invalid environment:\n${problems
        .map((p) => `  ${p.name}${p.value === undefined ? '' : `="${p.value}"`}: ${p.message}`)
        .join('\n')}`,
    );
    this.name = 'EnvError';
  }
}

/** The declared variables of `source`, parsed; throws EnvError naming every bad one. */
export function parseEnv(source: EnvSource): Env {
  const raw: Record<string, string> = {};
  for (const name of names) {
    const value = source[name];
    if (value !== undefined && value.trim() !== '') raw[name] = value;
  }
  const parsed = envSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new EnvError(
    parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      return { name, message: issue.message, value: raw[name] };
    }),
  );
}

let cached: { key: string; env: Env } | undefined;

/** The process environment, parsed; re-parsed only when one of its variables changed. */
export function env(): Env {
  const key = names.map((name) => process.env[name] ?? '').join('\u0000');
  if (cached?.key !== key) cached = { key, env: parseEnv(process.env) };
  return cached.env;
}

/** For entry points: the environment, or the process ends with the list of bad variables. */
export function checkEnv(): Env {
  try {
    return env();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
}
