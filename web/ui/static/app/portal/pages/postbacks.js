// Postback settings: the partner's global postback (GET/PUT/DELETE
// /me/postback), per-offer overrides (/me/postbacks), the signing secret,
// a test button that sends a sample postback now, the macros, and the
// delivery log. {payout} is always the partner's own commission.
import { html, useState } from '../../lib/html.js';
import { post, put, del } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { Page, Card, Table, CopyField, Notice, Badge, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field, errorText } from '../../lib/forms.js';
import { useOptional } from '../optional.js';
import { DeliveryLog } from '../deliveries.js';
import { EventFields, endpointValues, endpointBody, TestButton, MACROS } from '../endpoint.js';

export default function Postbacks() {
	const global = useOptional('/me/postback');
	const [logKey, setLogKey] = useState(0);
	const sent = () => setLogKey(k => k + 1);
	return html`<${Page} title=${t('portal.nav.postbacks')}>
		<p class="lead">${t('portal.pb.intro', { payout: '{payout}' })}</p>
		<div class="grid">
			<${Loaded} state=${global}>${d => html`<${Global} saved=${d.value} onChange=${global.reload} onSent=${sent} />`}<//>
			<${Macros} />
		</div>
		<${Loaded} state=${global}>${d => html`<${Secret} has=${!!d.value?.has_secret} />`}<//>
		<${Overrides} onSent=${sent} />
		<${DeliveryLog} key=${logKey} />
	<//>`;
}

// Global edits the postback sent for every offer without an override.
function Global({ saved, onChange, onSent }) {
	const [secret, setSecret] = useState('');
	const [done, setDone] = useState(false);
	const [err, setErr] = useState('');
	const form = useForm(endpointValues(saved), async v => {
		setDone(false);
		const res = await put('/me/postback', endpointBody(v));
		setSecret(res.secret || '');
		setDone(true);
		onChange();
	});
	const remove = async () => {
		if (!confirmed(t('portal.pb.removeConfirm'))) return;
		setErr('');
		try { await del('/me/postback'); form.reset(endpointValues(null)); onChange(); } catch (e) { setErr(errorText(e)); }
	};
	return html`<${Card} title=${t('portal.pb.global')} class="global-postback">
		${done && html`<${Notice} kind="success">${t('portal.pb.saved')}<//>`}
		${err && html`<${Notice} kind="error">${err}<//>`}
		${secret && html`<${CopyField} label=${t('portal.pb.secretOnce')} name="postback_secret" value=${secret} />`}
		<${Form} form=${form} submitLabel=${t('save')}>
			<${Field} form=${form} name="url" type="url" label=${t('portal.pb.url')} placeholder="https://tracker.example/postback?cid={click_id}&payout={payout}" hint=${t('portal.pb.urlHint')} />
			<${EventFields} form=${form} />
		<//>
		${saved && html`<div class="actions">
			<${TestButton} onSent=${onSent} />
			<button type="button" class="danger" name="remove_postback" onClick=${remove}>${t('remove')}</button>
		</div>`}
	<//>`;
}

// Macros lists what a postback URL may contain.
function Macros() {
	return html`<${Card} title=${t('portal.pb.macros')}>
		<p class="small">${t('portal.pb.macrosIntro')}</p>
		<dl class="facts macros">${MACROS.map(m => html`<dt><code>{${m}}</code></dt><dd>${t('portal.macro.' + m)}</dd>`)}</dl>
	<//>`;
}

// Secret makes a new signing secret, shown once; signed postbacks carry an
// HMAC of the request made with it.
function Secret({ has }) {
	const [secret, setSecret] = useState('');
	const [err, setErr] = useState('');
	const rotate = async () => {
		if (has && !confirmed(t('portal.pb.rotateConfirm'))) return;
		setErr('');
		try { setSecret((await post('/me/postback/secret')).secret); } catch (e) { setErr(errorText(e)); }
	};
	return html`<${Card} title=${t('portal.pb.secret')}>
		<p class="small">${t('portal.pb.secretAbout')}</p>
		<p>${has || secret ? html`<${Badge} kind="ok">${t('portal.pb.secretSet')}<//>` : html`<${Badge}>${t('portal.pb.secretNone')}<//>`}</p>
		${err && html`<${Notice} kind="error">${err}<//>`}
		${secret && html`<${CopyField} label=${t('portal.pb.secretOnce')} name="new_secret" value=${secret} />`}
		<button type="button" name="rotate_secret" onClick=${rotate}>${has || secret ? t('portal.pb.rotate') : t('portal.pb.generate')}</button>
	<//>`;
}

// Overrides are per-offer postbacks: for an offer with one, it replaces
// the global postback.
function Overrides({ onSent }) {
	const list = useFetch('/me/postbacks');
	const offers = useFetch('/me/offers');
	const [err, setErr] = useState('');
	const names = Object.fromEntries((offers.data?.items || []).map(o => [o.id, o.name]));
	const remove = async e => {
		if (!confirmed(t('portal.pb.removeConfirm'))) return;
		try { await del('/me/postbacks/' + e.id); list.reload(); } catch (x) { setErr(errorText(x)); }
	};
	return html`<${Card} title=${t('portal.pb.overrides')}>
		<p class="muted small">${t('portal.pb.overridesAbout')}</p>
		${err && html`<${Notice} kind="error">${err}<//>`}
		<${Loaded} state=${list}>${d => html`<${Table} rows=${d.items.filter(e => e.offer_id)} empty=${t('portal.pb.noOverrides')} columns=${[
			[t('portal.links.offer'), e => names[e.offer_id] || e.offer_id],
			[t('portal.pb.url'), e => html`<code>${e.method} ${e.url}</code>`],
			[t('portal.pb.events'), e => (e.events.length ? e.events.join(', ') : t('portal.pb.allEvents'))],
			[t('status'), e => html`<${Badge} kind=${e.enabled ? 'ok' : ''}>${t(e.enabled ? 'portal.pb.on' : 'portal.pb.off')}<//>`],
			['', e => html`<${TestButton} id=${e.id} link onSent=${onSent} />
				<button class="link danger" onClick=${() => remove(e)}>${t('remove')}</button>`],
		]} />`}<//>
		<${Loaded} state=${offers}>${d => d.items.length > 0 && html`<${NewOverride} offers=${d.items} onCreated=${list.reload} />`}<//>
	<//>`;
}

function NewOverride({ offers, onCreated }) {
	const [secret, setSecret] = useState(''); // made by the first signed save, shown once
	const form = useForm({ ...endpointValues(null), offer_id: offers[0].id }, async v => {
		const res = await post('/me/postbacks', { ...endpointBody(v), offer_id: v.offer_id });
		setSecret(res.secret || '');
		form.reset({ ...endpointValues(null), offer_id: v.offer_id });
		onCreated();
	});
	return html`<details class="new-override"><summary>${t('portal.pb.addOverride')}</summary>
		${secret && html`<${CopyField} label=${t('portal.pb.secretOnce')} name="override_secret" value=${secret} />`}
		<${Form} form=${form} submitLabel=${t('portal.pb.add')}>
			<${Field} form=${form} name="offer_id" type="select" label=${t('portal.links.offer')} options=${offers.map(o => [o.id, o.name])} />
			<${Field} form=${form} name="url" type="url" label=${t('portal.pb.url')} />
			<${EventFields} form=${form} />
		<//>
	</details>`;
}
