/**
 * The dashboard reads only the public query API, with the signed-in token, exactly as curl would.
 * The token lives in sessionStorage (gone when the tab closes) and only ever travels in the
 * Authorization header: never in a URL, never logged.
 */
const TOKEN_KEY = 'spend-ledger.query-token';

export const readToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const saveToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(TOKEN_KEY);

/** An error answer of the API, in its one shape. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Spend figures as every endpoint returns them; cache tokens only where the ledger has them. */
export interface Figures {
  spend: string;
  prompt_tokens: number;
  completion_tokens: number;
  api_requests: number;
  successful_requests: number;
  failed_requests: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export interface Report {
  group_by: string;
  entity_type?: string;
  entity_id?: string;
  results: ({ value: string } & Figures)[];
  metadata: { groups: number; totals: Figures };
}

export interface ActivityDay {
  date: string;
  metrics: Figures & { total_tokens: number };
  breakdown?: Record<'models' | 'providers' | 'api_keys', Record<string, { metrics: Figures }>>;
}

export interface Activity {
  results: ActivityDay[];
  metadata: Record<string, number | string | boolean>;
}

export interface SpendLog {
  request_id: string;
  timestamp: string;
  api_key: string;
  user_id: string | null;
  team_id: string | null;
  end_user_id: string | null;
  tags: string[];
  model: string;
  provider: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  spend: string;
  status: 'success' | 'failure';
}

export interface LogsPage {
  data: SpendLog[];
  next_cursor: string | null;
  has_more: boolean;
}

async function request(path: string, params: Record<string, string | undefined>): Promise<Response> {
  const token = readToken();
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, v);
  const res = await fetch(`${path}?${query}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    cache: 'no-store',
  });
  if (!res.ok) {
    let code = 'HTTP_ERROR';
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      // not the API's JSON error (a proxy in between): keep the status line
    }
    throw new ApiFailure(res.status, code, message);
  }
  return res;
}

export async function getJson<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
  return (await (await request(path, params)).json()) as T;
}

/** Fetches a `format=csv` answer with the token and hands it to the browser as a download. */
export async function downloadCsv(path: string, params: Record<string, string | undefined>, name: string) {
  const blob = await (await request(path, { ...params, format: 'csv' })).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What a token may read, learnt from the API itself: a report names the entity it is confined to. */
export type TokenScope = { type: 'admin' } | { type: string; id: string };

export async function probeScope(today: string): Promise<TokenScope> {
  const report = await getJson<Report>('/v1/report', {
    group_by: 'model',
    from: today,
    to: today,
    limit: '1',
  });
  return report.entity_type && report.entity_id
    ? { type: report.entity_type, id: report.entity_id }
    : { type: 'admin' };
}
