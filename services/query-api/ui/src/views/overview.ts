import { html } from 'htm/preact';
import { downloadCsv, getJson, type Report } from '../api.ts';
import { type DayParts, stackDays } from '../daily-series.ts';
import { ENTITY_DIMENSIONS, STACK_OVERVIEW, TOP_DIMENSIONS, type ViewState, viewUrl } from '../url-state.ts';
import { mapLimit, useAsync } from '../use-async.ts';
import { daysBetween } from '../zoned-time.ts';
import { StackedChart } from './chart.ts';
import { Controls } from './controls.ts';
import { Count, DayTable, ErrorNotice, Money, TotalsCards } from './figures.ts';

/** The API's default MAX_RANGE_DAYS; the chart makes one request per day. */
const MAX_CHART_DAYS = 366;
const range = (s: ViewState) => ({ from: s.from, to: s.to, timezone: s.tz });
const label = (value: string) => value.replace('_', ' ');

/**
 * Each day of the chart is one report over that day (the API has no cross-entity daily series), its
 * top values and its exact total; a few at a time so a long range does not flood the API.
 */
async function loadDays(s: ViewState): Promise<DayParts[]> {
  const dates = daysBetween(s.from, s.to);
  if (dates.length > MAX_CHART_DAYS) throw new Error(`choose a range of at most ${MAX_CHART_DAYS} days`);
  return mapLimit(dates, 4, async (date) => {
    const r = await getJson<Report>('/v1/report', {
      group_by: s.stack,
      from: date,
      to: date,
      timezone: s.tz,
      limit: '50',
    });
    return {
      date,
      total: r.metadata.totals.spend,
      parts: Object.fromEntries(r.results.map((x) => [x.value, x.spend])),
    };
  });
}

export function Overview(props: { state: ViewState; onChange: (patch: Partial<ViewState>) => void }) {
  const s = props.state;
  // Every event has exactly one model, so the model report's totals are the range's totals.
  const totals = useAsync(
    () => getJson<Report>('/v1/report', { ...range(s), group_by: 'model', limit: '1' }),
    [s.from, s.to, s.tz],
  );
  const days = useAsync(() => loadDays(s), [s.from, s.to, s.tz, s.stack]);
  const top = useAsync(
    () => getJson<Report>('/v1/report', { ...range(s), group_by: s.top, limit: '20' }),
    [s.from, s.to, s.tz, s.top],
  );
  const stacked = days.data ? stackDays(days.data, daysBetween(s.from, s.to)) : undefined;
  return html`<section aria-labelledby="overview-title" class="page">
    <h1 id="overview-title">Spend overview</h1>
    <${Controls} state=${s} stacks=${STACK_OVERVIEW} onChange=${props.onChange} />
    <div aria-busy=${totals.loading} data-testid="totals" data-ready=${!totals.loading && !!totals.data}>
      ${totals.error ? html`<${ErrorNotice} error=${totals.error} />` : null}
      ${totals.data ? html`<${TotalsCards} figures=${totals.data.metadata.totals} />` : null}
    </div>
    <h2>Spend per day by ${label(s.stack)}</h2>
    ${s.stack === 'tag' ? html`<p class="hint">An event with several tags counts once under each.</p>` : null}
    <div aria-busy=${days.loading} data-testid="daily" data-ready=${!days.loading && !!stacked}>
      ${days.error ? html`<${ErrorNotice} error=${days.error} />` : null}
      ${
        stacked
          ? html`<${StackedChart} stacked=${stacked} label=${`Spend per day by ${s.stack}`} />
        <${DayTable} stacked=${stacked} />`
          : null
      }
    </div>
    <${TopSpenders} state=${s} report=${top.data} error=${top.error} loading=${top.loading}
      onChange=${props.onChange} />
  </section>`;
}

function TopSpenders(props: {
  state: ViewState;
  report?: Report;
  error?: unknown;
  loading: boolean;
  onChange: (patch: Partial<ViewState>) => void;
}) {
  const s = props.state;
  const linkable = ENTITY_DIMENSIONS.has(s.top);
  const href = (value: string) =>
    viewUrl({
      ...s,
      route: { page: 'entity', type: s.top, id: value },
      stack: 'model',
      model: '',
      status: '',
    });
  return html`<section aria-labelledby="top-title">
    <div class="section-head">
      <h2 id="top-title">Top spenders</h2>
      <button type="button" class="secondary" onClick=${() =>
        downloadCsv(
          '/v1/report',
          { ...range(s), group_by: s.top, limit: '20' },
          `top-${s.top}-${s.from}-${s.to}.csv`,
        )}>
        Download CSV</button>
    </div>
    <div class="tabs" role="group" aria-label="Group top spenders by">
      ${TOP_DIMENSIONS.map(
        (
          d,
        ) => html`<button type="button" aria-pressed=${d === s.top} onClick=${() => props.onChange({ top: d })}>
          ${label(d)}</button>`,
      )}
    </div>
    ${props.error ? html`<${ErrorNotice} error=${props.error} />` : null}
    <div class="scroll" aria-busy=${props.loading} data-testid="top" data-ready=${!props.loading && !!props.report}>
      ${
        props.report
          ? html`<table>
        <thead><tr><th scope="col">${label(s.top)}</th><th scope="col" class="num">Spend</th>
          <th scope="col" class="num">Requests</th><th scope="col" class="num">Tokens</th>
          <th scope="col" class="num">Failures</th></tr></thead>
        <tbody>
          ${props.report.results.map(
            (r) => html`<tr data-value=${r.value}>
              <th scope="row">${linkable && r.value ? html`<a href=${href(r.value)}>${r.value}</a>` : r.value || '(none)'}</th>
              <td class="num"><${Money} value=${r.spend} /></td>
              <td class="num"><${Count} value=${r.api_requests} /></td>
              <td class="num"><${Count} value=${r.prompt_tokens + r.completion_tokens} /></td>
              <td class="num"><${Count} value=${r.failed_requests} /></td>
            </tr>`,
          )}
        </tbody>
      </table>
      <p class="hint">${props.report.results.length} of ${props.report.metadata.groups} ${label(s.top)} values with spend in the range.</p>`
          : null
      }
    </div>
  </section>`;
}
