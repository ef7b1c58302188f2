import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { ViewState } from '../url-state.ts';
import { isDate, isTimeZone } from '../zoned-time.ts';

const ZONES: readonly string[] = (() => {
  try {
    return ['UTC', ...Intl.supportedValuesOf('timeZone')];
  } catch {
    return ['UTC'];
  }
})();

const label = (value: string) => value.replace('_', ' ');

/** Date range, time zone and stacking; every change becomes a new URL (and so a shareable link). */
export function Controls(props: {
  state: ViewState;
  stacks: readonly string[];
  onChange: (patch: Partial<ViewState>) => void;
}) {
  const { state, onChange } = props;
  const [zone, setZone] = useState(state.tz);
  const [zoneError, setZoneError] = useState('');
  // Back and forward change the URL under the field: follow it.
  useEffect(() => setZone(state.tz), [state.tz]);
  const applyZone = (value: string) => {
    if (value === state.tz) return;
    if (isTimeZone(value)) {
      setZoneError('');
      onChange({ tz: value });
    } else {
      setZoneError('not an IANA time zone (e.g. Europe/Paris)');
    }
  };
  const setDate = (field: 'from' | 'to', value: string) => {
    if (!isDate(value)) return;
    const next = { from: state.from, to: state.to, [field]: value };
    if (next.from > next.to) {
      if (field === 'from') next.to = value;
      else next.from = value;
    }
    onChange(next);
  };
  return html`<form class="controls" aria-label="Range and grouping" onSubmit=${(e: Event) => {
    e.preventDefault();
    applyZone(zone);
  }}>
    <label>From <input type="date" name="from" value=${state.from} max=${state.to}
      onChange=${(e: Event) => setDate('from', (e.target as HTMLInputElement).value)} /></label>
    <label>To <input type="date" name="to" value=${state.to}
      onChange=${(e: Event) => setDate('to', (e.target as HTMLInputElement).value)} /></label>
    <label>Time zone
      <input name="tz" list="zones" value=${zone} autocomplete="off" spellcheck=${false}
        aria-invalid=${zoneError ? 'true' : 'false'} aria-describedby="tz-error"
        onInput=${(e: Event) => setZone((e.target as HTMLInputElement).value)}
        onChange=${(e: Event) => applyZone((e.target as HTMLInputElement).value)} />
      <datalist id="zones">${ZONES.map((z) => html`<option value=${z} />`)}</datalist>
      <span id="tz-error" class="field-error">${zoneError}</span>
    </label>
    <label>Stack by
      <select name="stack" value=${state.stack}
        onChange=${(e: Event) => onChange({ stack: (e.target as HTMLSelectElement).value })}>
        ${props.stacks.map((s) => html`<option value=${s}>${label(s)}</option>`)}
      </select>
    </label>
  </form>`;
}
