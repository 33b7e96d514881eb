// Audit log: every state change with actor, action, target, time and IP.
import { html, useState, useEffect, useContext } from '../../lib/html.js';
import { get } from '../../lib/api.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Card, Table, Notice, useFetch } from '../../lib/ui.js';
import { errorText } from '../../lib/forms.js';
import { Session } from '../session.js';

const PAGE = 50;

export default function Audit() {
	const { me } = useContext(Session);
	const [action, setAction] = useState('');
	const [items, setItems] = useState(null);
	const [cursor, setCursor] = useState('');
	const [err, setErr] = useState('');
	const team = useFetch(me.scopes.includes('team:read') ? '/team' : null);
	const names = Object.fromEntries((team.data?.members || []).map(m => [m.id, m.email]));
	const load = async (before, prev) => {
		setErr('');
		try {
			const d = await get(`/audit-log?limit=${PAGE}&action=${encodeURIComponent(action)}${before ? '&before=' + before : ''}`);
			setItems([...prev, ...d.items]);
			setCursor(d.items.length === PAGE ? d.next_cursor : '');
		} catch (e) { setErr(errorText(e)); }
	};
	useEffect(() => { load('', []); }, [action]);
	return html`<${Page} title=${t('nav.audit')}>
		<${Card}>
			<div class="filters"><input type="search" name="action" placeholder=${t('audit.filter')} aria-label=${t('audit.filter')} value=${action}
				onChange=${e => setAction(e.currentTarget.value.trim())} /></div>
			${err && html`<${Notice} kind="error">${err}<//>`}
			${items && html`<${Table} empty=${t('audit.none')} rows=${items} columns=${[
				[t('audit.time'), e => fmtTime(e.created_at)],
				[t('audit.actor'), e => html`${names[e.actor_id] || e.actor_id || '—'} <small class="muted">${e.actor_kind}</small>`],
				[t('audit.action'), e => html`<code>${e.action}</code>`],
				[t('audit.target'), e => (e.target_type ? `${e.target_type} ${e.target_id || ''}` : '')],
				[t('audit.ip'), e => e.ip],
				[t('audit.details'), e => e.summary && html`<details><summary>${t('audit.show')}</summary><pre>${JSON.stringify(e.summary, null, 1)}</pre></details>`],
			]} />`}
			${cursor && html`<button onClick=${() => load(cursor, items)}>${t('audit.more')}</button>`}
		<//>
	<//>`;
}
