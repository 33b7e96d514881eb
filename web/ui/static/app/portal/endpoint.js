// The parts of a postback setting shared by the global postback and the
// per-offer overrides: method, format, the events that fire it, signing,
// on/off; the test button; the macros a partner postback may use.
import { html, useState } from '../lib/html.js';
import { post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Notice } from '../lib/ui.js';
import { Field, errorText } from '../lib/forms.js';

// EVENTS are the standard conversion events; any other name is a custom
// event the advertiser reports (deposit, upsell...).
export const EVENTS = ['created', 'approved', 'rejected', 'hold', 'pending'];

// MACROS are the values a partner postback may carry (core/postback's
// partner macros). There is no revenue: {payout} is the partner's commission.
export const MACROS = ['click_id', 'conversion_id', 'sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'payout', 'currency', 'status',
	'tx_id', 'offer_id', 'campaign_id', 'event', 'country', 'device', 'idempotency_id', 'timestamp', 'partner_id', 'test'];

// endpointValues flattens a saved endpoint (or null) into form values.
export function endpointValues(e) {
	const events = e?.events || [];
	const v = { url: e?.url || '', method: e?.method || 'GET', format: e?.format || 'url', sign: !!e?.sign, enabled: e ? e.enabled : true,
		custom_events: events.filter(x => !EVENTS.includes(x)).join(', ') };
	for (const x of EVENTS) v['ev_' + x] = events.includes(x);
	return v;
}

// endpointBody is the API body for form values.
export function endpointBody(v) {
	const events = EVENTS.filter(x => v['ev_' + x]);
	for (const x of v.custom_events.split(',')) if (x.trim()) events.push(x.trim().toLowerCase());
	return { url: v.url.trim(), method: v.method, format: v.format, events, sign: v.sign, enabled: v.enabled };
}

// EventFields are the endpoint's fields after its URL.
export function EventFields({ form }) {
	form.shown.add('events');
	return html`<div class="form inline pb-options">
			<${Field} form=${form} name="method" type="select" label=${t('portal.pb.method')} options=${[['GET', 'GET'], ['POST', 'POST']]} />
			<${Field} form=${form} name="format" type="select" label=${t('portal.pb.format')} options=${[['url', t('portal.pb.formatUrl')], ['json', t('portal.pb.formatJson')]]} />
		</div>
		<fieldset class="events">
			<legend>${t('portal.pb.events')}</legend>
			<p class="hint small">${t('portal.pb.eventsHint')}</p>
			${EVENTS.map(x => html`<${Field} form=${form} name=${'ev_' + x} type="checkbox" label=${t('portal.pb.event.' + x)} />`)}
			<${Field} form=${form} name="custom_events" label=${t('portal.pb.customEvents')} hint=${t('portal.pb.customHint')} />
			${form.errors.events && html`<small class="field-error">${form.errors.events}</small>`}
		</fieldset>
		<${Field} form=${form} name="sign" type="checkbox" label=${t('portal.pb.sign')} />
		<${Field} form=${form} name="enabled" type="checkbox" label=${t('portal.pb.enabled')} />`;
}

// TestButton sends a sample postback (test=1) to the global postback, or
// to the override id, right now, and shows what the receiver answered.
export function TestButton({ id, link, onSent }) {
	const [event, setEvent] = useState('approved');
	const [res, setRes] = useState(null);
	const [err, setErr] = useState('');
	const [busy, setBusy] = useState(false);
	const send = async () => {
		setBusy(true); setErr(''); setRes(null);
		try { setRes(await post('/me/postback/test', id ? { postback_id: id, event } : { event })); onSent(); } catch (e) { setErr(errorText(e)); }
		setBusy(false);
	};
	const last = res?.attempt_log?.[res.attempt_log.length - 1];
	return html`<span class="pb-test">
		${!link && html`<select name="test_event" aria-label=${t('portal.pb.testEvent')} value=${event} onChange=${e => setEvent(e.currentTarget.value)}>
			${EVENTS.map(x => html`<option value=${x}>${t('portal.pb.event.' + x)}</option>`)}</select>`}
		<button type="button" class=${link ? 'link' : ''} name="test_postback" disabled=${busy} onClick=${send}>${t('portal.pb.test')}</button>
		${err && html`<${Notice} kind="error">${err}<//>`}
		${res && html`<span data-testid="test-result"><${Notice} kind=${res.status === 'delivered' ? 'success' : 'error'}>
			${res.status === 'delivered' ? t('portal.pb.testOk', { code: res.last_status_code }) : t('portal.pb.testFailed', { error: res.last_error || res.last_status_code || '' })}
			${last && html` <code>${last.method} ${last.url}</code>`}<//></span>`}
	</span>`;
}
