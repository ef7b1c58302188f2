import { type SpendEventInput, SpendEventSchema } from '@spend-ledger/contract';
import { createApiToken, type TokenScope, writeSpendBatch } from '@spend-ledger/ledger-db';
import { createLogger, createMetricsRegistry, type Logger } from '@spend-ledger/platform';
import { createTestDatabase, type TestDatabase } from '@spend-ledger/testing';
import { createQueryApp } from '../../../services/query-api/src/app.ts';

export const ADMIN_TOKEN = 'test-query-admin-token-0123456789';

export interface QueryHarness {
  database: TestDatabase;
  app: ReturnType<typeof createQueryApp>;
  /** Writes events through the one write path (no Kafka). */
  seed(events: readonly SpendEventInput[]): Promise<void>;
  /** Issues a scoped token and returns its secret. */
  token(scope: TokenScope, options?: { expiresAt?: string }): Promise<string>;
  /** GET with a token (admin by default); JSON body parsed when the response is JSON. */
  get<T = Record<string, unknown>>(
    path: string,
    token?: string | null,
  ): Promise<{ status: number; body: T; res: Response }>;
}

/** The query app on a fresh migrated database of its own, called in-process with app.request(). */
export async function startQueryHarness(
  options: { maxRangeDays?: number; log?: Logger } = {},
): Promise<QueryHarness> {
  const database = await createTestDatabase();
  const app = createQueryApp({
    db: database.db,
    queryTokens: [ADMIN_TOKEN],
    log:
      options.log ?? createLogger({ service: 'query-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    registry: createMetricsRegistry('query-test'),
    maxRangeDays: options.maxRangeDays ?? 366,
  });
  return {
    database,
    app,
    seed: async (events) => {
      for (let i = 0; i < events.length; i += 2_000) {
        await writeSpendBatch(
          database.db,
          events.slice(i, i + 2_000).map((e) => SpendEventSchema.parse(e)),
        );
      }
    },
    token: async (scope, opts = {}) => (await createApiToken(database.db, { scope, ...opts })).token,
    get: async <T>(path: string, token: string | null = ADMIN_TOKEN) => {
      const res = await app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      const isJson = (res.headers.get('content-type') ?? '').includes('json');
      const body = (isJson ? await res.clone().json() : await res.clone().text()) as T;
      return { status: res.status, body, res };
    },
  };
}
