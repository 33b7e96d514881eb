// The delivery log of the partner's postbacks (GET /postbacks/outgoing,
// which answers a partner with only its own deliveries) and one delivery's
// attempts (GET /postbacks/outgoing/{id}).
import { html, useState } from '../lib/html.js';
import { get } from '../lib/api.js';
import { t, fmtTime } from '../lib/i18n.js';
import { Card, Table, Notice, Badge, Loaded, useFetch } from '../lib/ui.js';
import { errorText } from '../lib/forms.js';

const statusKind = { delivered: 'ok', queued: 'warn', retrying: 'warn', failed: 'danger' };

// DeliveryLog lists recent deliveries; changing key reloads it.
export function DeliveryLog() {
	const log = useFetch('/postbacks/outgoing?limit=50');
	const [open, setOpen] = useState(null);
	const [err, setErr] = useState('');
	const show = async d => {
		setErr('');
		try { setOpen(await get('/postbacks/outgoing/' + encodeURIComponent(d.id))); } catch (e) { setErr(errorText(e)); }
	};
	return html`<${Card} title=${t('portal.log.title')} class="wide">
		<div class="page-actions"><button type="button" name="reload_log" onClick=${log.reload}>${t('portal.log.reload')}</button></div>
		${err && html`<${Notice} kind="error">${err}<//>`}
		<${Loaded} state=${log}>${d => html`<${Table} rows=${d.items} empty=${t('portal.log.none')} columns=${[
			[t('portal.log.time'), x => fmtTime(x.created_at)],
			[t('portal.log.event'), x => html`${[x.event, x.conversion_status].filter(Boolean).join(' · ')}${x.test && html` <${Badge}>${t('portal.log.test')}<//>`}`],
			[t('portal.log.offer'), x => x.offer_id || '—'],
			[t('status'), x => html`<${Badge} kind=${statusKind[x.status] || ''}>${t('portal.log.state.' + x.status)}<//>`],
			[t('portal.log.code'), x => x.last_status_code || x.last_error || '—'],
			[t('portal.log.attempts'), x => x.attempts],
			['', x => html`<button class="link" name="delivery_detail" onClick=${() => show(x)}>${t('portal.log.details')}</button>`],
		]} />`}<//>
		${open && html`<${Detail} d=${open} onClose=${() => setOpen(null)} />`}
	<//>`;
}

// Detail shows one delivery's requests: URL, answer, time taken.
function Detail({ d, onClose }) {
	return html`<div class="delivery-detail" data-testid="delivery-detail">
		<h3>${t('portal.log.detailTitle', { id: d.id })}</h3>
		<p class="muted small">${t('portal.log.idempotency')}</p>
		<${Table} rows=${d.attempt_log || []} rowKey=${a => a.attempt} empty=${t('portal.log.noAttempts')} columns=${[
			['#', a => a.attempt],
			[t('portal.log.time'), a => fmtTime(a.started_at)],
			[t('portal.log.request'), a => html`<code>${a.method} ${a.url}</code>`],
			[t('portal.log.code'), a => a.status_code || a.error || '—'],
			[t('portal.log.latency'), a => t('portal.log.ms', { ms: a.latency_ms.toFixed(1) })],
			[t('portal.log.response'), a => a.response_excerpt ? html`<code>${a.response_excerpt}</code>` : '—'],
		]} />
		<button type="button" onClick=${onClose}>${t('portal.log.close')}</button>
	</div>`;
}
