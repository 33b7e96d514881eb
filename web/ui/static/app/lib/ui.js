// Building blocks every page uses: page frame, data loading, tables, copy
// fields, notices, the language switch.
import { html, useState, useEffect, useCallback, createContext, useContext } from './html.js';
import { useLocation } from 'preact-iso';
import { get } from './api.js';
import { t, lang, setLang, languages } from './i18n.js';
import { errorText } from './forms.js';

// Brand is the name shown in page titles: the product in the cabinet, the
// program in a partner portal.
export const Brand = createContext('');

// Page is a page's frame: its heading, actions and the document title.
export function Page({ title, actions, children }) {
	const brand = useContext(Brand);
	useEffect(() => { document.title = brand ? `${title} · ${brand}` : title; }, [title, brand]);
	return html`<section class="page">
		<header class="page-head"><h1>${title}</h1>${actions && html`<div class="page-actions">${actions}</div>`}</header>
		${children}
	</section>`;
}

// useFetch loads GET /api/v1{path} (nothing while path is null) and offers reload.
export function useFetch(path) {
	const [state, setState] = useState({ data: null, error: null, loading: !!path });
	const load = useCallback(() => {
		if (!path) return;
		setState(s => ({ ...s, loading: true }));
		get(path).then(data => setState({ data, error: null, loading: false }),
			error => setState({ data: null, error, loading: false }));
	}, [path]);
	useEffect(load, [load]);
	return { ...state, reload: load };
}

// Loaded shows a spinner, an error, or children(data) once state has data.
export function Loaded({ state, children }) {
	if (state.error) return html`<div class="banner error" role="alert">${errorText(state.error)}</div>`;
	if (!state.data) return html`<p class="muted" aria-busy="true">${t('loading')}</p>`;
	return children(state.data);
}

// Table renders rows with columns [[heading, row => cell]]; it scrolls
// sideways on narrow screens.
export function Table({ columns, rows, empty, rowKey = r => r.id }) {
	if (!rows.length) return html`<p class="muted empty">${empty}</p>`;
	return html`<div class="table-wrap"><table>
		<thead><tr>${columns.map(([head]) => html`<th scope="col">${head}</th>`)}</tr></thead>
		<tbody>${rows.map(r => html`<tr key=${rowKey(r)}>${columns.map(([head, cell]) => html`<td data-label=${head}>${cell(r)}</td>`)}</tr>`)}</tbody>
	</table></div>`;
}

// Card is a titled box.
export function Card({ title, children, class: cls = '' }) {
	return html`<div class=${'card ' + cls}>${title && html`<h2>${title}</h2>`}${children}</div>`;
}

// Notice is a coloured message: kind is info, success, warn or error.
export function Notice({ kind = 'info', children }) {
	return html`<div class=${'banner ' + kind} role=${kind === 'error' ? 'alert' : 'status'}>${children}</div>`;
}

// CopyField shows a read-only value with a button that copies it.
export function CopyField({ label, value, name }) {
	const [copied, setCopied] = useState(false);
	const copy = async e => {
		const input = e.currentTarget.parentElement.querySelector('input');
		try { await navigator.clipboard.writeText(value); } catch { input.select(); document.execCommand('copy'); }
		setCopied(true);
		setTimeout(() => setCopied(false), 2000);
	};
	return html`<div class="field copy">
		${label && html`<label>${label}</label>`}
		<div class="copy-row"><input readonly value=${value} name=${name} onFocus=${e => e.currentTarget.select()} />
		<button type="button" onClick=${copy}>${copied ? t('copied') : t('copy')}</button></div>
	</div>`;
}

// Badge is a small status label.
export function Badge({ kind = '', children }) {
	return html`<span class=${'badge ' + kind}>${children}</span>`;
}

// LangSwitch picks the UI language.
export function LangSwitch() {
	return html`<label class="lang"><span class="sr-only">${t('language')}</span>
		<select name="lang" value=${lang()} onChange=${e => setLang(e.currentTarget.value)}>
			${languages.map(([code, name]) => html`<option value=${code}>${name}</option>`)}
		</select></label>`;
}

// confirmed asks before a destructive action.
export const confirmed = message => window.confirm(message);

// Redirect replaces the current URL within the app.
export function Redirect({ to }) {
	const { route } = useLocation();
	useEffect(() => route(to, true), [to]);
	return null;
}
