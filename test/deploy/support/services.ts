import { fileURLToPath } from 'node:url';
import { DatabaseEnvSchema } from '../../../packages/ledger-db/src/connection-settings.ts';
import { GatewayConfigSchema } from '../../../services/gateway/src/config.ts';
import { WriterConfigSchema } from '../../../services/ledger-writer/src/config.ts';
import { WRITER_MALLOC_ENV } from '../../../services/ledger-writer/src/process-settings.ts';
import { QueryConfigSchema } from '../../../services/query-api/src/config.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Variables read by Node, glibc or a library rather than by a service's config schema. */
export const PROCESS_ENV_NAMES = new Set([
  'NODE_OPTIONS',
  'NODE_ENV',
  'KAFKAJS_NO_PARTITIONER_WARNING',
  ...Object.keys(WRITER_MALLOC_ENV),
]);

/** What a deploy file needs to know about a service: its entry point and the variables it reads. */
export interface DeployedService {
  name: 'gateway' | 'ledger-writer' | 'query-api' | 'migrate';
  /** The compiled entry point, relative to the repository (and the image's /app). */
  entry: string;
  /** Every environment variable the code reads. */
  envNames: Set<string>;
  /** Ports and drain time the service ends up with under `env` (undefined for the migrate job). */
  settings(env: Record<string, string>): ServiceSettings | undefined;
}

export interface ServiceSettings {
  port: number;
  opsPort: number;
  shutdownTimeoutMs: number;
}

/** The keys of a config schema's object, through the transforms and pipes wrapped around it. */
export function envNamesOf(schema: unknown): Set<string> {
  let current: unknown = schema;
  for (let i = 0; i < 10 && current; i++) {
    const s = current as { shape?: Record<string, unknown>; in?: unknown; def?: { in?: unknown } };
    if (s.shape) return new Set(Object.keys(s.shape));
    current = s.in ?? s.def?.in;
  }
  throw new Error('config schema has no object shape');
}

const TOKEN = 'deploy-test-token-0123456789';

export const DEPLOYED_SERVICES: DeployedService[] = [
  {
    name: 'gateway',
    entry: 'services/gateway/dist/main.js',
    envNames: envNamesOf(GatewayConfigSchema),
    settings: (env) => {
      const c = GatewayConfigSchema.parse({ LEDGER_INGEST_TOKENS: TOKEN, ...env });
      return { port: c.port, opsPort: c.opsPort, shutdownTimeoutMs: c.shutdownTimeoutMs };
    },
  },
  {
    name: 'ledger-writer',
    entry: 'services/ledger-writer/dist/main.js',
    envNames: envNamesOf(WriterConfigSchema),
    settings: (env) => {
      const c = WriterConfigSchema.parse(env);
      // The writer's one port is its ops port.
      return { port: c.port, opsPort: c.port, shutdownTimeoutMs: c.shutdownTimeoutMs };
    },
  },
  {
    name: 'query-api',
    entry: 'services/query-api/dist/main.js',
    envNames: envNamesOf(QueryConfigSchema),
    settings: (env) => {
      const c = QueryConfigSchema.parse({ LEDGER_QUERY_TOKENS: TOKEN, ...env });
      return { port: c.port, opsPort: c.opsPort, shutdownTimeoutMs: c.shutdownTimeoutMs };
    },
  },
  {
    name: 'migrate',
    entry: 'packages/ledger-db/dist/migrate-cli.js',
    envNames: envNamesOf(DatabaseEnvSchema),
    settings: () => undefined,
  },
];

/** The deployed service whose entry point a command runs (`node [flags] <entry> [args]`). */
export function serviceRunBy(command: readonly string[]): DeployedService | undefined {
  return DEPLOYED_SERVICES.find((s) => command.includes(s.entry));
}

/** Milliseconds in a duration such as `40s`, `1m30s` or `500ms` (compose's format). */
export function durationMs(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    total += Number(m[1]) * unit;
  }
  return total;
}
