import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLedgerDb, type DatabaseConnection, poolOptions, tlsOptions } from '@spend-ledger/ledger-db';
import { createTestDatabase, type TestDatabase } from '@spend-ledger/testing';
import { type PasswordProxy, startPasswordProxy } from './support/password-proxy.ts';

// Fixed fake credentials: the default AWS credential chain reads them from the environment, and
// signing a token needs no network.
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

describe('database connections', () => {
  let database: TestDatabase;
  let proxy: PasswordProxy;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    for (const [k, v] of Object.entries(CREDENTIALS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    database = await createTestDatabase();
    const upstream = new URL(database.url);
    proxy = await startPasswordProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
  });

  after(async () => {
    await proxy.close();
    await database.drop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('with IAM_TOKEN_DB_AUTH, every new connection of the pool authenticates with a fresh IAM token', async () => {
    const name = new URL(database.url).pathname;
    const connection: DatabaseConnection = {
      url: `postgres://postgres@127.0.0.1:${proxy.port}${name}`,
      maxConnections: 3,
      // The proxy speaks plaintext; configuration refuses IAM without TLS (connection-settings.test.ts).
      sslMode: 'disable',
      connectTimeoutMs: 5_000,
      idleTimeoutMs: 0,
      iam: { region: 'eu-west-1' },
    };
    const options = poolOptions(connection);
    const password = options.password;
    assert.equal(typeof password, 'function');
    let calls = 0;
    const counted = async () => {
      calls++;
      return (password as () => Promise<string>)();
    };
    const first = createLedgerDb(connection.url, { ...options, password: counted });
    // Three queries at once need three connections.
    const sleeps = await Promise.all(
      [1, 2, 3].map(() => first.db.$client`select pg_backend_pid() as pid, pg_sleep(0.2)`),
    );
    assert.equal(new Set(sleeps.map((rows) => rows[0]?.pid)).size, 3);
    await first.db.$client`select 1`; // reuses an open connection: no new token
    await first.close();
    assert.equal(calls, 3);
    assert.equal(proxy.passwords.length, 3);

    // A new pool (the writer replaces its pool after a stuck write) asks again.
    const second = createLedgerDb(connection.url, { ...options, password: counted });
    await second.db.$client`select 1`;
    await second.close();
    assert.equal(calls, 4);

    for (const token of proxy.passwords) {
      const url = new URL(`https://${token}`);
      assert.equal(url.host, `127.0.0.1:${proxy.port}`);
      assert.equal(url.searchParams.get('DBUser'), 'postgres');
      assert.equal(url.searchParams.get('Action'), 'connect');
      assert.match(
        url.searchParams.get('X-Amz-Credential') ?? '',
        /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/,
      );
      assert.match(url.searchParams.get('X-Amz-Signature') ?? '', /^[0-9a-f]{64}$/);
    }
  });

  it('sslmode=require never falls back to plaintext when the server has no TLS', async () => {
    // The local server runs without TLS: the connection must fail, not silently go on in clear.
    const handle = createLedgerDb(database.url, {
      maxConnections: 1,
      ssl: tlsOptions({ url: database.url, sslMode: 'require' }),
      connectTimeoutMs: 5_000,
    });
    await assert.rejects(handle.db.$client`select 1`);
    await handle.close(0);
  });

  it('gives up on a server that does not answer after DB_CONNECT_TIMEOUT_MS', async () => {
    const accepted = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      accepted.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const handle = createLedgerDb(`postgres://postgres@127.0.0.1:${port}/x`, {
      maxConnections: 1,
      connectTimeoutMs: 300,
    });
    const started = Date.now();
    await assert.rejects(handle.db.$client`select 1`, (e: { code?: string }) => e.code === 'CONNECT_TIMEOUT');
    assert.ok(Date.now() - started < 5_000);
    await handle.close(0);
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});
