import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type SpendEventInput, SpendEventSchema } from '@spend-ledger/contract';
import { createApiToken, writeSpendBatch } from '@spend-ledger/ledger-db';
import { createLogger, type RunningService } from '@spend-ledger/platform';
import { aSpendEvent, createTestDatabase, type TestDatabase } from '@spend-ledger/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { QueryConfigSchema } from '../../services/query-api/src/config.ts';
import { startQueryApi } from '../../services/query-api/src/start-query-api.ts';

/**
 * The dashboard in Debian's Chromium against the real query API (ephemeral port, its own database,
 * events written through writeSpendBatch): every figure it shows is compared with what the API says.
 * Screenshots of each page land in .local/ui-screenshots/ (git-ignored).
 */
const ADMIN = 'test-ui-admin-token-0123456789';
const SHOTS = fileURLToPath(new URL('../../.local/ui-screenshots/', import.meta.url));
const RANGE = 'from=2026-11-01&to=2026-11-07';
const MODELS = ['gpt-4o', 'claude-sonnet-4', 'gpt-4o-mini'];
const PROVIDERS: Record<string, string> = {
  'gpt-4o': 'openai',
  'gpt-4o-mini': 'openai',
  'claude-sonnet-4': 'anthropic',
};

/** Spread over the week at hours that put some events on another local day in Asia/Kolkata. */
function seedEvents(): SpendEventInput[] {
  const events: SpendEventInput[] = [];
  const add = (team: string, org: string, n: number, key: (i: number) => string, cents: number) => {
    for (let i = 0; i < n; i++) {
      const model = MODELS[i % MODELS.length]!;
      const day = 1 + (i % 7);
      const hour = [2, 9, 15, 20, 22][i % 5]!;
      events.push(
        aSpendEvent({
          request_id: `${team}-${String(i).padStart(3, '0')}`,
          timestamp: `2026-11-0${day}T${String(hour).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.000Z`,
          team_id: team,
          org_id: org,
          api_key: key(i),
          user_id: `user-${i % 4}`,
          tags: i % 3 === 0 ? ['batch'] : ['chat'],
          model,
          provider: PROVIDERS[model]!,
          prompt_tokens: 100 + i,
          completion_tokens: 10 + (i % 9),
          spend: `${(i % 5) + cents}.${String(i * 7919).padStart(6, '0')}`,
          status: i % 11 === 5 ? 'failure' : 'success',
        }),
      );
    }
  };
  add('team-a', 'org-1', 60, (i) => (i % 2 ? 'key-a1' : 'key-a2'), 1);
  add('team-b', 'org-1', 12, () => 'key-b1', 3);
  add('team-c', 'org-2', 6, () => 'key-c1', 0);
  return events;
}

type Totals = { spend: string; api_requests: number };

describe('spend dashboard in Chromium', () => {
  let database: TestDatabase;
  let query: RunningService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let teamToken: string;
  const consoleErrors: string[] = [];
  const requestedUrls: string[] = [];

  const api = async <T>(path: string, token = ADMIN): Promise<T> => {
    const res = await fetch(`${query.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  const watch = (p: Page) => {
    p.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    p.on('pageerror', (e) => consoleErrors.push(String(e)));
    p.on('request', (r) => requestedUrls.push(r.url()));
  };
  const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
  const exact = (p: Page, testid: string) => p.getByTestId(testid).first().getAttribute('data-exact');
  const dayTable = async (p: Page) =>
    p.$$eval('[data-testid=day-table] tbody tr', (rows) =>
      rows.map((r) => [
        r.getAttribute('data-date'),
        r.querySelector('[data-exact]')?.getAttribute('data-exact'),
      ]),
    );
  const signIn = async (p: Page, token: string) => {
    await p.getByLabel('Query token').fill(token);
    await p.getByRole('button', { name: 'Sign in' }).click();
  };

  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    database = await createTestDatabase();
    await writeSpendBatch(
      database.db,
      seedEvents().map((e) => SpendEventSchema.parse(e)),
    );
    teamToken = (await createApiToken(database.db, { scope: { type: 'team', id: 'team-b' } })).token;
    query = await startQueryApi(
      QueryConfigSchema.parse({ QUERY_PORT: '0', LEDGER_QUERY_TOKENS: ADMIN, DATABASE_URL: database.url }),
      createLogger({ service: 'ui-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    );
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    watch(page);
  });
  after(async () => {
    await browser?.close();
    await query?.stop();
    await database?.drop();
  });

  it('signs in with an admin token and shows the totals and top spenders the API reports', async () => {
    await page.goto(`${query.url}/ui/?${RANGE}&tz=UTC&top=team`);
    await shot(page, 'sign-in');
    await signIn(page, ADMIN);
    await page.locator('[data-testid=totals][data-ready=true]').waitFor({ state: 'attached' });
    const report = await api<{ metadata: { totals: Totals } }>(
      `/v1/report?group_by=model&${RANGE}&timezone=UTC`,
    );
    assert.equal(await exact(page, 'total-spend'), report.metadata.totals.spend);
    assert.equal(await exact(page, 'total-requests'), String(report.metadata.totals.api_requests));
    assert.equal(
      await page.getByTestId('total-spend').getAttribute('title'),
      `${report.metadata.totals.spend} USD (exact)`,
    );

    await page.locator('[data-testid=top][data-ready=true]').waitFor({ state: 'attached' });
    const teams = await api<{ results: ({ value: string } & Totals)[] }>(`/v1/report?group_by=team&${RANGE}`);
    const shown = await page.$$eval('[data-testid=top] tbody tr', (rows) =>
      rows.map((r) => [
        r.getAttribute('data-value'),
        r.querySelector('[data-exact]')?.getAttribute('data-exact'),
      ]),
    );
    assert.deepEqual(
      shown,
      teams.results.map((t) => [t.value, t.spend]),
    );

    // The chart's days add up to the range's spend exactly (each day is a report of its own).
    await page.locator('[data-testid=daily][data-ready=true]').waitFor({ state: 'attached' });
    const days = await dayTable(page);
    assert.equal(days.length, 7);
    const units = days.reduce((sum, [, spend]) => sum + BigInt(spend!.replace('.', '')), 0n);
    assert.equal(units, BigInt(report.metadata.totals.spend.replace('.', '')));
    assert.ok(await page.locator('canvas[role=img]').isVisible(), 'the chart is drawn');
    assert.doesNotMatch(page.url(), /token/i);
    await shot(page, 'overview');
  });

  it('drills into a team (by keyboard): its totals, breakdowns and daily chart as the API has them', async () => {
    // Tab to the team's link in the top spenders and follow it with Enter.
    const link = page.getByRole('link', { name: 'team-a', exact: true });
    for (let i = 0; i < 60 && !(await link.evaluate((a) => a === a.ownerDocument.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'team-a' }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/ui\/entity\/team\/team-a$/);
    await page.locator('[data-testid=daily][data-ready=true]').waitFor({ state: 'attached' });
    const activity = await api<{ metadata: { total_spend: string; total_api_requests: number } }>(
      `/v1/spend/team/team-a/activity?${RANGE}&timezone=UTC`,
    );
    assert.equal(await exact(page, 'total-spend'), activity.metadata.total_spend);
    assert.equal(await exact(page, 'total-requests'), String(activity.metadata.total_api_requests));

    const byModel = await api<{ results: ({ value: string } & Totals)[] }>(
      `/v1/report?group_by=model&entity_type=team&entity_id=team-a&${RANGE}&limit=10`,
    );
    await page.locator('[data-testid=by-model] tbody tr').first().waitFor();
    const models = await page.$$eval('[data-testid=by-model] tbody tr', (rows) =>
      rows.map((r) => [
        r.querySelector('th')?.textContent,
        r.querySelector('[data-exact]')?.getAttribute('data-exact'),
      ]),
    );
    assert.deepEqual(
      models,
      byModel.results.map((m) => [m.value, m.spend]),
    );

    // The CSV download is the API's own CSV of what is on screen, fetched with the token.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV', exact: true }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    const res = await fetch(
      `${query.url}/v1/spend/team/team-a/activity?${RANGE}&timezone=UTC&breakdown=true&format=csv`,
      {
        headers: { authorization: `Bearer ${ADMIN}` },
      },
    );
    assert.equal(csv, await res.text());
    assert.match(download.suggestedFilename(), /^team-team-a-2026-11-01-2026-11-07\.csv$/);
    await shot(page, 'team');
  });

  it("pages through the team's requests with the API's keyset cursor, newest first", async () => {
    const logs = page.getByTestId('logs');
    const idsOnPage = async (n: number) => {
      await page
        .locator(`[data-testid=logs][data-page="${n}"][data-ready=true]`)
        .waitFor({ state: 'attached' });
      return logs
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-request-id')));
    };
    const pages = [await idsOnPage(1)];
    await page.getByRole('button', { name: 'Older →' }).click();
    pages.push(await idsOnPage(2));
    await page.getByRole('button', { name: 'Older →' }).click();
    pages.push(await idsOnPage(3));
    assert.deepEqual(
      pages.map((p) => p.length),
      [25, 25, 10],
    );
    assert.ok(await page.getByRole('button', { name: 'Older →' }).isDisabled(), 'no page after the last');

    const all = await api<{ data: { request_id: string }[] }>(
      '/v1/logs?team_id=team-a&start_time=2026-11-01T00:00:00Z&end_time=2026-11-08T00:00:00Z&limit=1000',
    );
    assert.deepEqual(
      pages.flat(),
      all.data.map((r) => r.request_id),
    );
    await page.getByRole('button', { name: '← Newer' }).click();
    assert.deepEqual(await idsOnPage(2), pages[1]);

    // A filter narrows the rows as the API does.
    await page.getByLabel('Status').selectOption('failure');
    await page.waitForURL(/status=failure/);
    const failed = await idsOnPage(1);
    const apiFailed = await api<{ data: { request_id: string }[] }>(
      '/v1/logs?team_id=team-a&status=failure&start_time=2026-11-01T00:00:00Z&end_time=2026-11-08T00:00:00Z',
    );
    assert.ok(failed.length > 0);
    assert.deepEqual(
      failed,
      apiFailed.data.map((r) => r.request_id),
    );
    await page.getByRole('heading', { name: 'Requests' }).scrollIntoViewIfNeeded();
    await shot(page, 'team-logs');
  });

  it('moves spend between days when the time zone changes, as the API computes it', async () => {
    const before = await dayTable(page);
    await page.getByLabel('Time zone').fill('Asia/Kolkata');
    await page.getByLabel('Time zone').press('Enter');
    await page
      .locator('[data-testid=daily][data-tz="Asia/Kolkata"][data-ready=true]')
      .waitFor({ state: 'attached' });
    assert.match(page.url(), /tz=Asia%2FKolkata/);
    const after = await dayTable(page);
    const activity = await api<{ results: { date: string; metrics: { spend: string } }[] }>(
      `/v1/spend/team/team-a/activity?${RANGE}&timezone=Asia/Kolkata&page_size=366`,
    );
    const expected = new Map(activity.results.map((d) => [d.date, d.metrics.spend]));
    assert.deepEqual(
      after,
      after.map(([date]) => [date, expected.get(date!) ?? '0.000000000000']),
    );
    assert.equal(after.length, 7);
    assert.notDeepEqual(after, before, 'events near midnight UTC belong to the next day in Kolkata');
    await shot(page, 'team-kolkata');

    // The link is the view: opened in another browser (signed in there), it shows the same days.
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const p = await other.newPage();
    watch(p);
    await p.goto(page.url());
    await signIn(p, ADMIN);
    await p
      .locator('[data-testid=daily][data-tz="Asia/Kolkata"][data-ready=true]')
      .waitFor({ state: 'attached' });
    assert.equal(await p.getByLabel('Time zone').inputValue(), 'Asia/Kolkata');
    assert.deepEqual(await dayTable(p), after);
    await other.close();
  });

  it('lets a scoped team token see its team only, and shows the 403 for another', async () => {
    const scoped = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    scoped.setDefaultTimeout(15_000);
    const p = await scoped.newPage();
    watch(p);
    await p.goto(`${query.url}/ui/?${RANGE}&tz=UTC`);
    await signIn(p, teamToken);
    await p.getByRole('heading', { level: 1, name: 'team-b' }).waitFor();
    await p.locator('[data-testid=daily][data-ready=true]').waitFor({ state: 'attached' });
    const own = await api<{ metadata: { total_spend: string } }>(
      `/v1/spend/team/team-b/activity?${RANGE}`,
      teamToken,
    );
    assert.equal(await exact(p, 'total-spend'), own.metadata.total_spend);
    assert.equal(await p.getByTestId('scope').textContent(), 'team team-b');

    await p.goto(`${query.url}/ui/entity/team/team-a?${RANGE}&tz=UTC`);
    // The panels ask the API concurrently: whichever 403 lands first shows; each notice says 403.
    const refused = p.getByTestId('api-error');
    await refused.first().waitFor();
    for (const notice of await refused.all()) {
      assert.equal(await notice.getAttribute('data-status'), '403');
      assert.match((await notice.textContent()) ?? '', /outside the token's scope/);
    }
    assert.equal(await p.getByTestId('total-spend').count(), 0, 'no figure of another team');
    await shot(p, 'scoped-forbidden');
    await scoped.close();
  });

  it('fits a phone screen', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      locale: 'de-DE',
    });
    phone.setDefaultTimeout(15_000);
    const p = await phone.newPage();
    watch(p);
    await p.goto(`${query.url}/ui/?${RANGE}&tz=UTC`);
    await signIn(p, ADMIN);
    await p.locator('[data-testid=top][data-ready=true]').waitFor({ state: 'attached' });
    await p.locator('[data-testid=daily][data-ready=true]').waitFor({ state: 'attached' });
    const overflow = (await p.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    // The reader's locale formats the figures (German: comma decimals, € sign stays $ for USD).
    assert.match((await p.getByTestId('total-spend').textContent()) ?? '', /^[\d.]+,\d{2}\s\$$/);
    await shot(p, 'phone-overview');
    await phone.close();
  });

  it('never puts the token in a URL and breaks no Content-Security-Policy rule', () => {
    assert.ok(requestedUrls.length > 20);
    for (const url of requestedUrls) {
      assert.ok(!url.includes(ADMIN) && !url.includes(teamToken), `token in ${url}`);
      assert.ok(
        url.startsWith(query.url) || url.startsWith('data:') || url.startsWith('blob:'),
        `third party: ${url}`,
      );
    }
    // The 403 above is an expected failed fetch; nothing else may log an error (CSP violations do).
    const unexpected = consoleErrors.filter((e) => !/status of 403/.test(e));
    assert.deepEqual(unexpected, []);
  });
});
