import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, it, mock } from 'node:test';
import { createIamPassword } from './iam-token.ts';

// AWS's documentation example credentials: fixed, fake, and resolved from the environment by the
// default credential chain without any network call.
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const TARGET = {
  hostname: 'ledger.cluster-abc.eu-west-1.rds.amazonaws.com',
  port: 5432,
  username: 'ledger_writer',
  region: 'eu-west-1',
};

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

/** SigV4 query-string signing written out from the specification, to check the signer against. */
function expectedSignature(query: URLSearchParams, host: string, amzDate: string): string {
  const canonicalQuery = [...query.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}`, '', 'host', sha256('')].join('\n');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${TARGET.region}/rds-db/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${CREDENTIALS.AWS_SECRET_ACCESS_KEY}`, day);
  for (const part of [TARGET.region, 'rds-db', 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('RDS IAM token', () => {
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const [k, v] of Object.entries(CREDENTIALS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-12-01T08:30:00Z') });
  });
  after(() => {
    mock.timers.reset();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('is a presigned connect URL for the host, port and user, signed with the configured credentials', async () => {
    const token = await createIamPassword(TARGET)();
    const url = new URL(`https://${token}`);
    assert.equal(url.host, `${TARGET.hostname}:${TARGET.port}`);
    assert.equal(url.pathname, '/');
    const q = url.searchParams;
    assert.equal(q.get('Action'), 'connect');
    assert.equal(q.get('DBUser'), TARGET.username);
    assert.equal(q.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
    assert.equal(q.get('X-Amz-Credential'), 'AKIDEXAMPLE/20261201/eu-west-1/rds-db/aws4_request');
    assert.equal(q.get('X-Amz-Date'), '20261201T083000Z');
    assert.equal(q.get('X-Amz-Expires'), '900');
    assert.equal(q.get('X-Amz-SignedHeaders'), 'host');
    assert.equal(
      q.get('X-Amz-Signature'),
      expectedSignature(q, `${TARGET.hostname}:${TARGET.port}`, '20261201T083000Z'),
    );
  });

  it('signs a new token on every call, dated when it is asked for', async () => {
    const password = createIamPassword(TARGET);
    const first = new URL(`https://${await password()}`).searchParams;
    mock.timers.tick(10 * 60_000);
    const second = new URL(`https://${await password()}`).searchParams;
    assert.equal(first.get('X-Amz-Date'), '20261201T083000Z');
    assert.equal(second.get('X-Amz-Date'), '20261201T084000Z');
    assert.notEqual(first.get('X-Amz-Signature'), second.get('X-Amz-Signature'));
  });
});
