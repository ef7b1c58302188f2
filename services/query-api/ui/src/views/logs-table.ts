import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { getJson, type LogsPage } from '../api.ts';
import type { ViewState } from '../url-state.ts';
import { useAsync } from '../use-async.ts';
import { addDays, formatInstant, startOfLocalDay } from '../zoned-time.ts';
import { Count, ErrorNotice, Money } from './figures.ts';

/** The logs filter naming each entity type; types without one have no log table. */
const FILTER_OF: Record<string, string> = {
  team: 'team_id',
  org: 'org_id',
  key: 'api_key',
  user: 'user_id',
  end_user: 'end_user_id',
  tag: 'tag',
};

export const LOG_PAGE_SIZE = 25;

/**
 * The entity's requests in the range, newest first, with the API's keyset pages: "older" follows
 * next_cursor; "newer" goes back along the cursors already seen (the API pages one way only).
 */
export function LogsTable(props: {
  state: ViewState;
  type: string;
  id: string;
  onChange: (patch: Partial<ViewState>) => void;
}) {
  const s = props.state;
  const filter = FILTER_OF[props.type];
  // The cursors belong to one query: a new filter or range starts again from the newest page.
  const key = [props.type, props.id, s.from, s.to, s.tz, s.model, s.status].join('\u0000');
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key, cursors: [] });
  const cursors = paging.key === key ? paging.cursors : [];
  const setCursors = (next: string[]) => setPaging({ key, cursors: next });
  const cursor = cursors.at(-1);
  const page = useAsync(
    () =>
      filter
        ? getJson<LogsPage>('/v1/logs', {
            [filter]: props.id,
            model: s.model,
            status: s.status,
            start_time: startOfLocalDay(s.from, s.tz).toISOString(),
            end_time: startOfLocalDay(addDays(s.to, 1), s.tz).toISOString(),
            limit: String(LOG_PAGE_SIZE),
            cursor,
          })
        : Promise.resolve(undefined),
    [key, cursor],
  );
  if (!filter) return null;
  const rows = page.data?.data ?? [];
  return html`<section aria-labelledby="logs-title" class="logs">
    <h2 id="logs-title">Requests</h2>
    <form class="controls" aria-label="Filter requests" onSubmit=${(e: Event) => e.preventDefault()}>
      <label>Model <input name="model" value=${s.model} placeholder="any"
        onChange=${(e: Event) => props.onChange({ model: (e.target as HTMLInputElement).value.trim() })} /></label>
      <label>Status <select name="status" value=${s.status}
        onChange=${(e: Event) => props.onChange({ status: (e.target as HTMLSelectElement).value as ViewState['status'] })}>
        <option value="">any</option><option value="success">success</option><option value="failure">failure</option>
      </select></label>
    </form>
    ${page.error ? html`<${ErrorNotice} error=${page.error} />` : null}
    <div class="scroll" aria-busy=${page.loading} data-testid="logs" data-ready=${!page.loading && !!page.data}
      data-page=${cursors.length + 1}>
      <table>
        <thead><tr><th scope="col">Time (${s.tz})</th><th scope="col">Request</th><th scope="col">Model</th>
          <th scope="col">Key</th><th scope="col">User</th><th scope="col">Status</th>
          <th scope="col" class="num">Tokens</th><th scope="col" class="num">Spend</th></tr></thead>
        <tbody>
          ${rows.map(
            (r) => html`<tr data-request-id=${r.request_id} class=${r.status === 'failure' ? 'failed' : ''}>
              <td title=${r.timestamp}>${formatInstant(r.timestamp, s.tz)}</td>
              <td class="mono">${r.request_id}</td>
              <td>${r.model}${r.provider ? html`<span class="muted"> · ${r.provider}</span>` : null}</td>
              <td class="mono" title=${r.api_key}>${r.api_key.length > 14 ? `${r.api_key.slice(0, 10)}…` : r.api_key}</td>
              <td>${r.user_id ?? ''}</td>
              <td>${r.status}</td>
              <td class="num"><${Count} value=${r.prompt_tokens + r.completion_tokens} /></td>
              <td class="num"><${Money} value=${r.spend} /></td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${page.data && rows.length === 0 ? html`<p class="hint">No requests match.</p>` : null}
    </div>
    <nav class="pager" aria-label="Request pages">
      <button type="button" disabled=${cursors.length === 0} onClick=${() => setCursors(cursors.slice(0, -1))}>
        ← Newer</button>
      <span>Page ${cursors.length + 1}</span>
      <button type="button" disabled=${!page.data?.next_cursor}
        onClick=${() => page.data?.next_cursor && setCursors([...cursors, page.data.next_cursor])}>Older →</button>
    </nav>
  </section>`;
}
