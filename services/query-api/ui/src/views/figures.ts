import { html } from 'htm/preact';
import type { Figures } from '../api.ts';
import { ApiFailure } from '../api.ts';
import type { StackedDays } from '../daily-series.ts';
import { exactMoney, formatCount, formatMoney } from '../format.ts';
import { sumMoney } from '../money.ts';
import { totalCards } from '../total-cards.ts';

/** Money to cents in the reader's locale; the exact amount on hover and for tests. */
export const Money = (props: { value: string; testid?: string }) =>
  html`<span class="num" title=${exactMoney(props.value)} data-exact=${props.value} data-testid=${props.testid}
    >${formatMoney(props.value)}</span
  >`;

export const Count = (props: { value: number; testid?: string }) =>
  html`<span class="num" title=${String(props.value)} data-exact=${props.value} data-testid=${props.testid}
    >${formatCount(props.value)}</span
  >`;

/** The range's totals; cache-token cards only when the API returns those figures. */
export function TotalsCards(props: { figures: Figures }) {
  return html`<dl class="cards" aria-label="Totals over the range">
    ${totalCards(props.figures).map(
      (c) =>
        html`<div class="card"><dt>${c.label}</dt><dd>${
          c.kind === 'money'
            ? html`<${Money} value=${String(c.value)} testid=${c.testid} />`
            : html`<${Count} value=${Number(c.value)} testid=${c.testid} />`
        }</dd></div>`,
    )}
  </dl>`;
}

/** The chart's numbers as a table (the accessible twin of the canvas), one row per day. */
export function DayTable(props: { stacked: StackedDays }) {
  const { dates, series } = props.stacked;
  return html`<details class="day-table">
    <summary>Day by day</summary>
    <div class="scroll">
      <table data-testid="day-table">
        <thead>
          <tr><th scope="col">Day</th><th scope="col" class="num">Spend</th>
            ${series.map((s) => html`<th scope="col" class="num">${s.name || '(none)'}</th>`)}</tr>
        </thead>
        <tbody>
          ${dates.map(
            (date, i) => html`<tr data-date=${date}>
              <th scope="row">${date}</th>
              <td class="num"><${Money} value=${sumMoney(series.map((s) => s.values[i] ?? '0'))} /></td>
              ${series.map((s) => html`<td class="num"><${Money} value=${s.values[i] ?? '0'} /></td>`)}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </details>`;
}

/** An API refusal shown as the API phrased it; a 403 says what the token may read. */
export function ErrorNotice(props: { error: unknown }) {
  const e = props.error;
  if (e instanceof ApiFailure) {
    const title =
      e.status === 403
        ? 'Not visible with this token'
        : e.status === 401
          ? 'Token refused'
          : `Error ${e.status}`;
    return html`<div class="notice" role="alert" data-testid="api-error" data-status=${e.status}>
      <strong>${title}</strong>
      <p>${e.message}</p>
      ${e.status === 401 ? html`<p>The token may have expired or been revoked: sign out and sign in again.</p>` : null}
    </div>`;
  }
  return html`<div class="notice" role="alert" data-testid="api-error">
    <strong>Could not load</strong>
    <p>${e instanceof Error ? e.message : String(e)}</p>
  </div>`;
}
