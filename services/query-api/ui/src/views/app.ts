import { html } from 'htm/preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiFailure, forgetToken, probeScope, readToken, saveToken, type TokenScope } from '../api.ts';
import { parseViewState, type ViewState, viewUrl } from '../url-state.ts';
import { todayIn } from '../zoned-time.ts';
import { EntityPage } from './entity-page.ts';
import { ErrorNotice } from './figures.ts';
import { Overview } from './overview.ts';
import { SignIn } from './sign-in.ts';

const READER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const currentState = () => parseViewState(location.pathname, location.search, READER_ZONE);

/** Same-origin links inside /ui are followed without a page load (a deep link still loads on its own). */
function useLocationState(): [ViewState, (url: string, replace?: boolean) => void] {
  const [state, setState] = useState(currentState);
  const navigate = useCallback((url: string, replace = false) => {
    if (url === location.pathname + location.search) return;
    history[replace ? 'replaceState' : 'pushState'](null, '', url);
    setState(currentState());
    if (!replace) window.scrollTo(0, 0);
  }, []);
  useEffect(() => {
    const onPop = () => setState(currentState());
    const onClick = (e: MouseEvent) => {
      const a = (e.target as Element | null)?.closest?.('a');
      if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
        return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || !url.pathname.startsWith('/ui')) return;
      e.preventDefault();
      navigate(url.pathname + url.search);
    };
    addEventListener('popstate', onPop);
    document.addEventListener('click', onClick);
    return () => {
      removeEventListener('popstate', onPop);
      document.removeEventListener('click', onClick);
    };
  }, [navigate]);
  return [state, navigate];
}

type Session =
  | { status: 'checking' }
  | { status: 'signed-out'; error?: string }
  | { status: 'in'; scope: TokenScope };

export function App() {
  const [state, navigate] = useLocationState();
  const [session, setSession] = useState<Session>(() =>
    readToken() ? { status: 'checking' } : { status: 'signed-out' },
  );
  const signIn = useCallback(async (token: string) => {
    saveToken(token);
    try {
      setSession({ status: 'in', scope: await probeScope(todayIn('UTC')) });
    } catch (error) {
      forgetToken();
      const refused = error instanceof ApiFailure && error.status === 401;
      setSession({ status: 'signed-out', error: refused ? 'This token is not accepted.' : String(error) });
    }
  }, []);
  useEffect(() => {
    const token = readToken();
    if (token) void signIn(token);
  }, [signIn]);
  const scope = session.status === 'in' ? session.scope : undefined;
  // A scoped token has no overview across entities: its home is its own entity's page.
  useEffect(() => {
    if (scope && scope.type !== 'admin' && 'id' in scope && state.route.page === 'overview') {
      navigate(
        viewUrl({ ...state, route: { page: 'entity', type: scope.type, id: scope.id }, stack: 'model' }),
        true,
      );
    }
  }, [scope, state, navigate]);

  if (session.status === 'checking') return html`<p class="loading">Checking the token…</p>`;
  if (session.status === 'signed-out') return html`<${SignIn} onSubmit=${signIn} error=${session.error} />`;
  const onChange = (patch: Partial<ViewState>) => navigate(viewUrl({ ...state, ...patch }));
  const home =
    scope && 'id' in scope
      ? { page: 'entity' as const, type: scope.type, id: scope.id }
      : { page: 'overview' as const };
  return html`<div class="shell">
    <header class="top">
      <a class="brand" href=${viewUrl({ ...state, route: home, stack: 'model' })}>Spend Ledger</a>
      <span class="scope" data-testid="scope">${scope && 'id' in scope ? `${scope.type} ${scope.id}` : 'admin'}</span>
      <button type="button" class="secondary" onClick=${() => {
        forgetToken();
        setSession({ status: 'signed-out' });
      }}>Sign out</button>
    </header>
    <main>
      ${
        state.route.page === 'entity'
          ? html`<${EntityPage} key=${`${state.route.type}/${state.route.id}`} state=${state}
              type=${state.route.type} id=${state.route.id} onChange=${onChange} />`
          : scope?.type === 'admin'
            ? html`<${Overview} state=${state} onChange=${onChange} />`
            : html`<${ErrorNotice} error=${new ApiFailure(403, 'FORBIDDEN', 'the overview needs an admin token')} />`
      }
    </main>
  </div>`;
}
