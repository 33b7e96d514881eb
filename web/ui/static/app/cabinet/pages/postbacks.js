// Postbacks: the tenant's S2S conversion postback URL and token, the log of
// incoming postbacks with their outcome, and the log of outgoing postbacks
// (partners' postbacks and webhooks) with every attempt and a replay.
import { html, useState, useContext } from '../../lib/html.js';
import { post } from '../../lib/api.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Card, CopyField, Badge, Loaded, Table, Notice, useFetch, confirmed } from '../../lib/ui.js';
import { Session } from '../session.js';
import { useCan, useAction, useNames, usePaged, Paged, StatusBadge } from '../common.js';

const TABS = ['incoming', 'outgoing'];

export default function Postbacks() {
	const [tab, setTab] = useState(new URLSearchParams(location.search).get('tab') === 'outgoing' ? 'outgoing' : 'incoming');
	const choose = x => { setTab(x); history.replaceState(null, '', '?tab=' + x); };
	return html`<${Page} title=${t('nav.postbacks')}>
		<${S2S} />
		<div class="tabs" role="tablist">${TABS.map(x => html`<button type="button" role="tab" name=${'tab-' + x}
			aria-selected=${tab === x} class=${tab === x ? 'active' : ''} onClick=${() => choose(x)}>${t('pb.tab.' + x)}</button>`)}</div>
		${tab === 'incoming' ? html`<${Incoming} />` : html`<${Outgoing} />`}
	<//>`;
}

// S2S shows the conversion postback URL with its token, and rotates it.
function S2S() {
	const { me, reload } = useContext(Session);
	const act = useAction(reload);
	const rotate = () => confirmed(t('settings.rotateConfirm')) && act.run(() => post('/tenant/postback-token/rotate'));
	if (!me.postback_url) return null;
	return html`<${Card} title=${t('pb.s2s')}>
		<p class="muted">${t('pb.s2sAbout')}</p>
		${act.banner}
		<${CopyField} label=${t('dash.postback')} name="postback_url" value=${me.postback_url} />
		<${CopyField} label=${t('pb.token')} name="postback_token" value=${me.postback_token} />
		<p class="muted small">${t('pb.params')}</p>
		${useCan('settings:write') && html`<button class="danger" name="rotate" disabled=${act.busy} onClick=${rotate}>${t('settings.rotate')}</button>`}
	<//>`;
}

function Incoming() {
	const paged = usePaged('/postbacks/incoming?limit=50');
	return html`<${Card} title=${t('pb.tab.incoming')}>
		<p><button type="button" name="refresh" onClick=${paged.reload}>${t('perf.refresh')}</button></p>
		<${Paged} paged=${paged} empty=${t('pb.noneIn')} columns=${[
			[t('conv.time'), e => fmtTime(e.received_at)],
			[t('conv.click'), e => html`<code>${e.click_id || '—'}</code>`],
			[t('pb.result'), e => html`<${StatusBadge} status=${e.result} prefix="pb.res." /> <small class="muted">${e.status_code}</small>`],
			[t('pb.message'), e => e.message || (e.conversion_id ? html`<code>${e.conversion_id}</code>` : '')],
			[t('pb.from'), e => `${e.method} ${e.ip}`],
			[t('pb.query'), e => e.query && html`<details><summary>${t('audit.show')}</summary><pre>${e.query}</pre></details>`],
		]} />
	<//>`;
}

function Outgoing() {
	const [status, setStatus] = useState('');
	const [open, setOpen] = useState(null);
	const paged = usePaged(`/postbacks/outgoing?limit=50&status=${status}`);
	const partners = useNames(useCan('partners:read') ? '/partners?limit=500' : null);
	const canTest = useCan('partners:write');
	return html`${open && html`<${Delivery} id=${open} onClose=${() => setOpen(null)} onReplayed=${paged.reload} />`}
		${canTest && partners.items.length > 0 && html`<${PartnerTest} partners=${partners.items} onSent=${paged.reload} />`}
		<${Card} title=${t('pb.tab.outgoing')}>
		<div class="filters">
			<select name="status" aria-label=${t('status')} value=${status} onChange=${e => setStatus(e.currentTarget.value)}>
				<option value="">${t('conv.allStatuses')}</option>
				${['queued', 'retrying', 'delivered', 'failed'].map(s => html`<option value=${s}>${t('state.' + s)}</option>`)}
			</select>
			<button type="button" name="refresh" onClick=${paged.reload}>${t('perf.refresh')}</button>
		</div>
		<${Paged} paged=${paged} empty=${t('pb.noneOut')} columns=${[
			[t('conv.time'), d => fmtTime(d.created_at)],
			[t('pb.to'), d => (d.kind === 'webhook' ? t('pb.webhook') : partners.name(d.partner_id))],
			[t('conv.event'), d => html`${d.event || d.conversion_status || '—'} ${d.test && html`<${Badge}>${t('conv.test')}<//>`}`],
			[t('status'), d => html`<${StatusBadge} status=${d.status} />`],
			[t('pb.attempts'), d => d.attempts],
			[t('pb.lastAnswer'), d => d.last_error || (d.last_status_code ? `HTTP ${d.last_status_code}` : '—')],
			['', d => html`<button class="link" name="details" onClick=${() => setOpen(d.id)}>${t('pb.details')}</button>`],
		]} />
	<//>`;
}

// Delivery shows one outgoing postback with each attempt, and replays it.
function Delivery({ id, onClose, onReplayed }) {
	const d = useFetch('/postbacks/outgoing/' + id);
	const act = useAction(() => { d.reload(); onReplayed(); });
	const canReplay = useCan('partners:write');
	return html`<${Card} title=${t('pb.delivery')} class="delivery">
		${act.banner}
		<${Loaded} state=${d}>${v => html`
			<dl class="facts">
				<dt>${t('status')}</dt><dd><${StatusBadge} status=${v.status} /></dd>
				<dt>${t('pb.id')}</dt><dd><code>${v.id}</code></dd>
				<dt>${t('field.url')}</dt><dd><code>${v.method} ${v.url}</code></dd>
				${v.conversion_id && html`<dt>${t('pb.conversion')}</dt><dd><code>${v.conversion_id}</code></dd>`}
				${v.next_attempt_at && html`<dt>${t('pb.next')}</dt><dd>${fmtTime(v.next_attempt_at)}</dd>`}
			</dl>
			<h3>${t('pb.attemptLog')}</h3>
			<${Table} empty=${t('pb.noAttempts')} rows=${v.attempt_log || []} rowKey=${a => a.attempt} columns=${[
				['#', a => a.attempt],
				[t('conv.time'), a => fmtTime(a.started_at)],
				[t('pb.lastAnswer'), a => a.error || `HTTP ${a.status_code}`],
				[t('pb.latency'), a => `${a.latency_ms} ms`],
				[t('pb.response'), a => a.response_excerpt && html`<details><summary>${t('audit.show')}</summary><pre>${a.response_excerpt}</pre></details>`],
			]} />
			<div class="actions">
				${canReplay && (v.status === 'failed' || v.status === 'delivered') && html`<button name="replay" disabled=${act.busy}
					onClick=${() => act.run(() => post(`/postbacks/outgoing/${v.id}/replay`))}>${t('pb.replay')}</button>`}
				<button type="button" class="link" onClick=${onClose}>${t('close')}</button>
			</div>`}<//>
	<//>`;
}

// PartnerTest sends a test postback to a partner's postback URL (sample
// values, test=1) and shows the receiver's answer; it lands in the log.
function PartnerTest({ partners, onSent }) {
	const [partner, setPartner] = useState(partners[0].id);
	const [result, setResult] = useState(null);
	const act = useAction(onSent);
	const send = () => act.run(async () => {
		setResult(null);
		setResult(await post(`/partners/${partner}/postback/test`, {}));
	});
	return html`<${Card} title=${t('pb.testTitle')}>
		<p class="muted">${t('pb.testAbout')}</p>
		${act.banner}
		${result && html`<${Notice} kind=${result.status === 'delivered' ? 'success' : 'warn'}>
			${t('hooks.tested', { status: t('state.' + result.status) })} ${result.last_error || (result.last_status_code ? `HTTP ${result.last_status_code}` : '')}<//>`}
		<div class="filters">
			<select name="test_partner" aria-label=${t('conv.partner')} value=${partner} onChange=${e => setPartner(e.currentTarget.value)}>
				${partners.map(p => html`<option value=${p.id}>${p.name}</option>`)}
			</select>
			<button type="button" name="send_test" disabled=${act.busy} onClick=${send}>${t('pb.sendTest')}</button>
		</div>
	<//>`;
}
