import { html } from 'htm/preact';
import { render } from 'preact';
import { App } from './views/app.ts';
import './styles.css';

render(html`<${App} />`, document.getElementById('app')!);
