import { html } from 'htm/preact';
import { type Activity, downloadCsv, getJson, type Report } from '../api.ts';
import { stackDays } from '../daily-series.ts';
import { figuresOfActivity } from '../total-cards.ts';
import { STACK_ENTITY, type ViewState, viewUrl } from '../url-state.ts';
import { useAsync } from '../use-async.ts';
import { daysBetween } from '../zoned-time.ts';
import { StackedChart } from './chart.ts';
import { Controls } from './controls.ts';
import { Count, DayTable, ErrorNotice, Money, TotalsCards } from './figures.ts';
import { LogsTable } from './logs-table.ts';

const BREAKDOWN_OF = { model: 'models', provider: 'providers', key: 'api_keys' } as const;

/** One spender: its totals and daily chart (activity with breakdown), what it spent on, its requests. */
export function EntityPage(props: {
  state: ViewState;
  type: string;
  id: string;
  onChange: (patch: Partial<ViewState>) => void;
}) {
  const s = props.state;
  const base = `/v1/spend/${encodeURIComponent(props.type)}/${encodeURIComponent(props.id)}/activity`;
  const params = { from: s.from, to: s.to, timezone: s.tz, breakdown: 'true' };
  const activity = useAsync(
    () => getJson<Activity>(base, { ...params, page_size: '366' }),
    [base, s.from, s.to, s.tz],
  );
  const dates = daysBetween(s.from, s.to);
  const stacked = activity.data
    ? stackDays(
        activity.data.results.map((d) => ({
          date: d.date,
          total: d.metrics.spend,
          parts: Object.fromEntries(
            Object.entries(
              d.breakdown?.[BREAKDOWN_OF[s.stack as keyof typeof BREAKDOWN_OF] ?? 'models'] ?? {},
            ).map(([k, v]) => [k, v.metrics.spend]),
          ),
        })),
        dates,
      )
    : undefined;
  // The breakdowns and requests are asked for only once the activity answered: while it loads, the
  // token may turn out not to read this entity (403), and four more refused requests would race it
  // to the screen.
  const readable = activity.data !== undefined;
  return html`<section aria-labelledby="entity-title" class="page">
    <p class="crumb"><span class="entity-type">${props.type.replace('_', ' ')}</span></p>
    <h1 id="entity-title" data-testid="entity-title">${props.id}</h1>
    <${Controls} state=${s} stacks=${STACK_ENTITY} onChange=${props.onChange} />
    ${activity.error ? html`<${ErrorNotice} error=${activity.error} />` : null}
    <div aria-busy=${activity.loading} data-testid="daily" data-ready=${!activity.loading && !!stacked}
      data-tz=${s.tz}>
      ${activity.data ? html`<${TotalsCards} figures=${figuresOfActivity(activity.data.metadata)} />` : null}
      ${
        stacked
          ? html`<div class="section-head"><h2>Spend per day by ${s.stack}</h2>
          <button type="button" class="secondary" onClick=${() =>
            downloadCsv(
              base,
              params,
              `${props.type}-${props.id}-${s.from}-${s.to}.csv`,
            )}>Download CSV</button></div>
        <${StackedChart} stacked=${stacked} label=${`Spend per day of ${props.type} ${props.id} by ${s.stack}`} />
        <${DayTable} stacked=${stacked} />`
          : null
      }
    </div>
    ${
      !readable
        ? null
        : html`<div class="breakdowns">
      ${(['model', 'provider', 'key'] as const).map(
        (by) => html`<${Breakdown} state=${s} type=${props.type} id=${props.id} by=${by} />`,
      )}
    </div>
    <${LogsTable} state=${s} type=${props.type} id=${props.id} onChange=${props.onChange} />`
    }
  </section>`;
}

/** What the entity spent on, by one dimension: the API's report inside the entity. */
function Breakdown(props: { state: ViewState; type: string; id: string; by: 'model' | 'provider' | 'key' }) {
  const s = props.state;
  const params = {
    from: s.from,
    to: s.to,
    timezone: s.tz,
    group_by: props.by,
    entity_type: props.type,
    entity_id: props.id,
    limit: '10',
  };
  const report = useAsync(
    () => getJson<Report>('/v1/report', params),
    [s.from, s.to, s.tz, props.type, props.id],
  );
  const link = (value: string) =>
    props.by === 'key'
      ? html`<a href=${viewUrl({ ...s, route: { page: 'entity', type: 'key', id: value }, model: '', status: '' })}
          title=${value}>${value.length > 16 ? `${value.slice(0, 12)}…` : value}</a>`
      : value || '(none)';
  return html`<section class="breakdown" aria-label=${`By ${props.by}`} data-testid=${`by-${props.by}`}>
    <div class="section-head"><h2>By ${props.by}</h2>
      <button type="button" class="secondary" aria-label=${`Download CSV by ${props.by}`} onClick=${() =>
        downloadCsv('/v1/report', params, `${props.type}-${props.id}-by-${props.by}.csv`)}>CSV</button></div>
    ${report.error ? html`<${ErrorNotice} error=${report.error} />` : null}
    ${
      report.data
        ? html`<table>
      <thead><tr><th scope="col">${props.by}</th><th scope="col" class="num">Spend</th>
        <th scope="col" class="num">Requests</th></tr></thead>
      <tbody>${report.data.results.map(
        (
          r,
        ) => html`<tr><th scope="row">${link(r.value)}</th><td class="num"><${Money} value=${r.spend} /></td>
          <td class="num"><${Count} value=${r.api_requests} /></td></tr>`,
      )}</tbody>
    </table>`
        : null
    }
  </section>`;
}
