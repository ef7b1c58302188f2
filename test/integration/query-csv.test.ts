import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SpendEventInput } from '@spend-ledger/contract';
import { aSpendEvent } from '@spend-ledger/testing';
import { csvCell } from '../../services/query-api/src/csv.ts';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';
import { expectedBy } from './support/query-oracle.ts';

/** Minimal RFC 4180 reader for the assertions (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('CSV export', () => {
  let h: QueryHarness;
  // 3,000 keys in one team: more rows than one cursor batch, so the export spans several.
  const events: SpendEventInput[] = Array.from({ length: 3_000 }, (_, i) =>
    aSpendEvent({
      team_id: 'csv-team',
      api_key: `csv-key-${String(i).padStart(4, '0')}`,
      // Client text a spreadsheet would run as a formula (api keys are stored as digests, models as sent).
      ...(i === 0 ? { model: '=HYPERLINK("x","y"),1' } : {}),
      timestamp: `2026-11-${String(1 + (i % 3)).padStart(2, '0')}T08:00:00Z`,
      spend: `0.${String(i + 1).padStart(12, '0')}`,
    }),
  );
  before(async () => {
    h = await startQueryHarness();
    await h.seed(events);
  });
  after(async () => {
    await h?.database.drop();
  });

  it('streams the daily activity, one row per day, matching the JSON figures', async () => {
    const r = await h.get<string>(
      '/v1/spend/team/csv-team/activity?from=2026-11-01&to=2026-11-30&format=csv',
    );
    assert.equal(r.status, 200);
    assert.match(r.res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(r.res.headers.get('content-disposition') ?? '', /attachment; filename="activity-team-/);
    const rows = parseCsv(r.body);
    assert.deepEqual(rows[0], [
      'date',
      'spend',
      'prompt_tokens',
      'completion_tokens',
      'cache_read_input_tokens',
      'cache_creation_input_tokens',
      'api_requests',
      'successful_requests',
      'failed_requests',
    ]);
    const expected = expectedBy(events, (e) => e.timestamp.slice(0, 10));
    assert.deepEqual(
      rows.slice(1).map((x) => [x[0], x[1], x[6]]),
      [...expected].map(([d, f]) => [d, f.spend, String(f.api_requests)]),
    );
  });

  it('streams the breakdown rows, escaping cells a spreadsheet would run as formulas', async () => {
    const r = await h.get<string>(
      '/v1/spend/team/csv-team/activity?from=2026-11-01&to=2026-11-30&format=csv&breakdown=true',
    );
    const rows = parseCsv(r.body);
    assert.deepEqual(rows[0]?.slice(0, 4), ['date', 'api_key', 'model', 'provider']);
    assert.equal(rows.length, 1 + 3_000);
    assert.ok(rows.some((x) => x[2] === `'=HYPERLINK("x","y"),1`));
    assert.equal(csvCell('-1+1'), "'-1+1");
    assert.equal(csvCell('a"b'), '"a""b"');
  });

  it('streams the report with the same rows as the JSON report', async () => {
    const query = '/v1/report?group_by=key&from=2026-11-01&to=2026-11-30&limit=5000';
    const json = await h.get<{ results: Array<{ value: string; spend: string }> }>(query);
    const csv = await h.get<string>(`${query}&format=csv`);
    const rows = parseCsv(csv.body);
    assert.equal(rows[0]?.[0], 'value');
    assert.equal(rows.length - 1, 3_000);
    assert.deepEqual(
      rows.slice(1, 50).map((x) => x[1]),
      json.body.results.slice(0, 49).map((x) => x.spend),
    );
  });

  it('validates before streaming: a bad range is a JSON 400, not a broken CSV', async () => {
    const r = await h.get<{ error: { code: string } }>(
      '/v1/spend/team/csv-team/activity?from=2026-11-30&to=2026-11-01&format=csv',
    );
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'VALIDATION_FAILED');
  });
});
