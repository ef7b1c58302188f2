import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

/** The token is typed, never put in the address bar; a password field keeps it off screenshots. */
export function SignIn(props: { onSubmit: (token: string) => Promise<void>; error?: string }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  return html`<main class="sign-in">
    <form aria-labelledby="sign-in-title" onSubmit=${async (e: Event) => {
      e.preventDefault();
      setBusy(true);
      try {
        await props.onSubmit(token.trim());
      } finally {
        setBusy(false);
      }
    }}>
      <h1 id="sign-in-title">Spend Ledger</h1>
      <p>Sign in with a query token: an admin token sees everything, a team, org or key token only its
        own spend. It is kept in this tab only and sent to this server alone.</p>
      <label for="token">Query token</label>
      <input id="token" name="token" type="password" autocomplete="off" required value=${token}
        onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)} />
      ${props.error ? html`<p class="field-error" role="alert" data-testid="sign-in-error">${props.error}</p>` : null}
      <button type="submit" disabled=${busy}>${busy ? 'Checking…' : 'Sign in'}</button>
    </form>
  </main>`;
}
