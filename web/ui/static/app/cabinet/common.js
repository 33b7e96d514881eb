// Helpers the cabinet's catalogue, report and money pages share: actions
// with an error banner, id-to-name maps, money and list inputs, and the
// editor frame (a list with a "new" button and a form for one item).
import { html, useState, useEffect, useContext } from '../lib/html.js';
import { get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Card, Notice, Badge, Table, useFetch } from '../lib/ui.js';
import { errorText } from '../lib/forms.js';
import { Session } from './session.js';

// useCan tells whether the caller holds scope.
export function useCan(scope) {
	const { me } = useContext(Session);
	return me.scopes.includes(scope);
}

// useAction runs API calls from buttons: err is the last failure's text,
// run(fn) clears it, awaits fn and calls then() on success.
export function useAction(then = () => {}) {
	const [err, setErr] = useState('');
	const [busy, setBusy] = useState(false);
	const run = async fn => {
		setErr(''); setBusy(true);
		try { const v = await fn(); then(v); return v; } catch (e) { setErr(errorText(e)); } finally { setBusy(false); }
	};
	return { err, busy, run, banner: err && html`<${Notice} kind="error">${err}<//>` };
}

// useNames loads a list (GET path, items with id and name) as an id → name
// map and the items; nothing is loaded while path is null.
export function useNames(path) {
	const state = useFetch(path);
	const items = state.data?.items || [];
	const names = Object.fromEntries(items.map(i => [i.id, i.name]));
	return { items, names, name: id => (id ? names[id] || id : '—') };
}

// money shows an amount with its currency.
export const money = (amount, currency) => (amount === undefined || amount === null ? '—' : `${amount} ${currency || ''}`.trim());

// splitList turns "US, de fr" into ["US", "de", "fr"].
export const splitList = s => String(s || '').split(/[\s,;]+/).filter(Boolean);

// StatusBadge shows an active/paused/archived (or any) status.
export function StatusBadge({ status, prefix = 'state.' }) {
	const kind = { active: 'ok', approved: 'ok', delivered: 'ok', paid: 'ok', created: 'ok', paused: 'warn', pending: 'warn',
		hold: 'warn', retrying: 'warn', queued: 'warn', failed: 'bad', rejected: 'bad', cancelled: 'bad',
		invalid: 'bad', unknown_click: 'bad', forbidden_ip: 'bad', error: 'bad', enabled: 'ok', disabled: 'warn' }[status] || '';
	return html`<${Badge} kind=${kind}>${t(prefix + status)}<//>`;
}

// Editor is a list card with a "new" button; choosing an item (or new)
// shows form({item, done}) above the list. item is {} for a new one.
export function Editor({ title, newLabel, canWrite, list, form }) {
	const [item, setItem] = useState(null);
	const done = () => setItem(null);
	return html`
		${item && html`<${Card} title=${item.id ? t('edit.title', { name: item.name || item.id }) : newLabel} class="editor">
			${form({ item, done })}
			<p><button type="button" class="link" onClick=${done}>${t('cancel')}</button></p>
		<//>`}
		<${Card} title=${title}>
			${canWrite && !item && html`<p><button type="button" class="primary" name="new" onClick=${() => setItem({})}>${newLabel}</button></p>`}
			${list({ edit: setItem })}
		<//>`;
}

// CLICK_MACROS are the macros a destination URL may hold (filled per click),
// given to t() as a value: dictionary strings cannot hold braces.
export const CLICK_MACROS = '{click_id}, {sub1}…{sub5}, {partner_id}, {offer_id}, {campaign_id}, {source_id}, {country}, {device}';

// STATUSES of offers and campaigns.
export const STATUSES = ['active', 'paused', 'archived'];

// usePaged loads a cursor-paged list (GET path&cursor=…, answers with
// items and next_cursor): items so far, more() for the next page, reload().
export function usePaged(path) {
	const [state, setState] = useState({ items: null, cursor: '', error: null });
	const load = async (cursor, prev) => {
		try {
			const d = await get(path + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
			setState({ items: [...prev, ...d.items], cursor: d.next_cursor || '', error: null });
		} catch (error) { setState(s => ({ ...s, error })); }
	};
	useEffect(() => { load('', []); }, [path]);
	return { ...state, more: () => load(state.cursor, state.items), reload: () => load('', []) };
}

// Paged shows a usePaged list as a table with a "load more" button.
export function Paged({ paged, columns, empty, rowKey }) {
	if (paged.error) return html`<${Notice} kind="error">${errorText(paged.error)}<//>`;
	if (!paged.items) return html`<p class="muted" aria-busy="true">${t('loading')}</p>`;
	return html`<${Table} empty=${empty} rows=${paged.items} columns=${columns} rowKey=${rowKey} />
		${paged.cursor && html`<p><button type="button" name="more" onClick=${paged.more}>${t('audit.more')}</button></p>`}`;
}
