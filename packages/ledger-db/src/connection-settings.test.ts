import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PeerCertificate } from 'node:tls';
import { ConfigError, parseConfig } from '@spend-ledger/platform';
import { connectionSettings, poolOptions } from './client.ts';
import { DatabaseEnvSchema, tlsOptions } from './connection-settings.ts';

const load = (env: NodeJS.ProcessEnv) => parseConfig(DatabaseEnvSchema, env);

function assertRefused(env: NodeJS.ProcessEnv, ...fragments: string[]): void {
  assert.throws(
    () => load(env),
    (e: unknown) => e instanceof ConfigError && fragments.every((f) => e.message.includes(f)),
  );
}

const caFile = join(mkdtempSync(join(tmpdir(), 'db-env-')), 'rds-ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
const RDS_URL = 'postgres://ledger@ledger.cluster-abc.eu-west-1.rds.amazonaws.com:5432/spend_ledger';

describe('database connection settings', () => {
  it('defaults: no TLS, 10 s connect timeout, idle connections closed after 60 s', () => {
    const connection = load({});
    assert.equal(connection.sslMode, 'disable');
    assert.deepEqual(connectionSettings(poolOptions(connection)), {
      ssl: false,
      connect_timeout: 10,
      idle_timeout: 60,
    });
    assert.equal(poolOptions(connection).maxConnections, 1);
  });

  it('maps each sslmode to Node TLS options with libpq meaning', () => {
    const at = (sslMode: 'disable' | 'require' | 'verify-ca' | 'verify-full', sslCa?: string) =>
      tlsOptions({ url: RDS_URL, sslMode, ...(sslCa ? { sslCa } : {}) });
    assert.equal(at('disable'), false);
    assert.deepEqual(at('require'), { rejectUnauthorized: false });
    const requireWithCa = at('require', 'CA');
    assert.ok(requireWithCa && requireWithCa.rejectUnauthorized === true && requireWithCa.ca === 'CA');
    const verifyCa = at('verify-ca', 'CA');
    assert.ok(verifyCa && verifyCa.rejectUnauthorized === true && verifyCa.ca === 'CA');
    // verify-ca checks the chain, not the name.
    assert.equal(
      verifyCa.checkServerIdentity?.('ledger', { subject: { CN: 'other' } } as PeerCertificate),
      undefined,
    );
    const verifyFull = at('verify-full');
    assert.ok(verifyFull && verifyFull.rejectUnauthorized === true);
    const cert = (name: string) =>
      ({ subject: { CN: name }, subjectaltname: `DNS:${name}` }) as unknown as PeerCertificate;
    // verify-full checks the URL's host, whatever name the socket was opened with.
    assert.equal(
      verifyFull.checkServerIdentity?.('ignored', cert('ledger.cluster-abc.eu-west-1.rds.amazonaws.com')),
      undefined,
    );
    assert.ok(verifyFull.checkServerIdentity?.('ignored', cert('evil.example.com')) instanceof Error);
  });

  it('reads the CA file and the timeouts and pool size from the environment', () => {
    const connection = load({
      DB_SSLMODE: 'verify-full',
      DB_SSL_CA_FILE: caFile,
      DB_CONNECT_TIMEOUT_MS: '2500',
      DB_IDLE_TIMEOUT_MS: '0',
      DB_POOL_MAX: '7',
    });
    assert.equal(connection.sslCa, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const settings = connectionSettings(poolOptions(connection));
    assert.equal(settings.connect_timeout, 2.5);
    assert.equal(settings.idle_timeout, undefined, 'DB_IDLE_TIMEOUT_MS=0 keeps idle connections');
    assert.equal(poolOptions(connection).maxConnections, 7);
  });

  it("takes the URL's sslmode when DB_SSLMODE is unset, and refuses modes that may fall back to plaintext", () => {
    assert.equal(load({ DATABASE_URL: `${RDS_URL}?sslmode=verify-full` }).sslMode, 'verify-full');
    assertRefused({ DATABASE_URL: `${RDS_URL}?sslmode=prefer` }, 'DATABASE_URL', 'sslmode=prefer');
    assertRefused({ DATABASE_URL: `${RDS_URL}?sslmode=require`, DB_SSLMODE: 'disable' }, 'DB_SSLMODE');
    assertRefused({ DB_SSLMODE: 'allow' }, 'DB_SSLMODE');
    assertRefused({ DB_SSL_CA_FILE: caFile }, 'DB_SSL_CA_FILE', 'disable');
    assertRefused({ DB_SSLMODE: 'verify-ca', DB_SSL_CA_FILE: '/nonexistent/ca.pem' }, 'DB_SSL_CA_FILE');
    assertRefused({ DB_CONNECT_TIMEOUT_MS: '0' }, 'DB_CONNECT_TIMEOUT_MS');
  });

  it('IAM_TOKEN_DB_AUTH needs a region, TLS, a user and no password in the URL', () => {
    assertRefused(
      { DATABASE_URL: RDS_URL, IAM_TOKEN_DB_AUTH: 'true', DB_SSLMODE: 'verify-full' },
      'AWS_REGION',
    );
    assertRefused(
      { DATABASE_URL: RDS_URL, IAM_TOKEN_DB_AUTH: 'true', AWS_REGION: 'eu-west-1' },
      'DB_SSLMODE',
    );
    assertRefused(
      {
        DATABASE_URL: 'postgres://ledger:pw@db:5432/x',
        IAM_TOKEN_DB_AUTH: 'true',
        AWS_REGION: 'eu-west-1',
        DB_SSLMODE: 'require',
      },
      'DATABASE_URL: must not carry a password',
    );
    const connection = load({
      DATABASE_URL: RDS_URL,
      IAM_TOKEN_DB_AUTH: 'true',
      AWS_REGION: 'eu-west-1',
      DB_SSLMODE: 'verify-full',
    });
    assert.deepEqual(connection.iam, { region: 'eu-west-1' });
    assert.equal(
      typeof poolOptions(connection).password,
      'function',
      'a password function, called per connection',
    );
    assert.equal(poolOptions(load({ DATABASE_URL: RDS_URL })).password, undefined);
  });
});
