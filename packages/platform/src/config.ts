import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Secret } from './secret.ts';

/** Thrown when the environment does not satisfy a service's schema; names each bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once at start-up. Every service's main calls this and nothing else reads
 * process.env, so a typo fails fast with the variable's name instead of surfacing mid-request.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
}

/**
 * A boolean flag read strictly: "true"/"1"/"yes" or "false"/"0"/"no". z.coerce.boolean() would turn
 * "false" into true.
 */
export const flag = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? defaultValue : v === 'true' || v === '1' || v === 'yes'));

/** A comma-separated list; blanks dropped. */
export const csv = () =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

export const port = (defaultValue: number) =>
  z.coerce.number().int().min(0).max(65_535).default(defaultValue);

/** A positive integer with a default; the variable name carries the unit (_MS, _BYTES). */
export const positiveInt = (defaultValue: number) => z.coerce.number().int().positive().default(defaultValue);

export const logLevel = () =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const databaseUrl = () =>
  z
    .string()
    .default('postgres://postgres@127.0.0.1:5432/spend_ledger')
    .refine((v) => /^postgres(ql)?:\/\//.test(v), { error: 'must be a postgres:// URL' });

export const kafkaBrokers = () =>
  csv()
    .transform((list) => (list.length ? list : ['127.0.0.1:9092']))
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, { error: 'must be host:port[,host:port]' })));

/** An optional text value; an empty string counts as unset (a blank line in an env file). */
export const optionalText = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

/** An optional secret (a password): held in a Secret so that it never prints. */
export const optionalSecret = () =>
  optionalText().transform((v) => (v === undefined ? undefined : new Secret(v)));

/**
 * An optional path to a file read once at start-up (a CA bundle, a certificate); its contents, or
 * undefined when unset. A missing or unreadable file fails the config, naming the variable.
 */
export const fileContents = () =>
  optionalText().transform((path, ctx) => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      ctx.addIssue({ code: 'custom', message: `cannot read ${path} (${reason})` });
      return z.NEVER;
    }
  });

/** Like fileContents, for a private key: the contents are held in a Secret. */
export const secretFileContents = () =>
  fileContents().transform((v) => (v === undefined ? undefined : new Secret(v)));

/** For a service's main: parse the config or print what is wrong and exit 1. */
export function exitOnConfigError<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${service}: ${error.message}`);
    process.exit(1);
  }
}
