// Commission terms: what a partner earns — attached to a partner, an offer,
// a campaign, or a partner on one offer or campaign — with a model (CPA,
// CPL, RevShare, hybrid, tiered) and its parameters. New terms apply from
// now on; ending terms never rewrites commissions already decided.
import { html } from '../../lib/html.js';
import { post, del } from '../../lib/api.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Table, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { useCan, useAction, useNames, Editor } from '../common.js';

const MODELS = ['cpa', 'cpl', 'revshare', 'hybrid', 'tiered'];
const TIERED = '{\n "basis": "count",\n "currency": "USD",\n "tiers": [\n  {"from": "0", "amount": "5.00"},\n  {"from": "100", "amount": "7.00"}\n ]\n}';

export default function Terms() {
	const terms = useFetch('/commission-terms');
	const canWrite = useCan('partners:write');
	const partners = useNames('/partners?limit=500');
	const offers = useNames('/offers');
	const campaigns = useNames('/campaigns');
	const act = useAction(terms.reload);
	const end = x => confirmed(t('terms.endConfirm')) && act.run(() => del('/commission-terms/' + x.id));
	const scope = x => [x.partner_id && partners.name(x.partner_id), x.offer_id && offers.name(x.offer_id), x.campaign_id && campaigns.name(x.campaign_id)]
		.filter(Boolean).join(' · ');
	const lists = { partners: partners.items, offers: offers.items, campaigns: campaigns.items };
	return html`<${Page} title=${t('nav.terms')}>
		<p class="muted">${t('terms.about')}</p>
		${act.banner}
		<${Editor} title=${t('terms.list')} newLabel=${t('terms.new')} canWrite=${canWrite}
			form=${({ done }) => html`<${TermsForm} lists=${lists} onSaved=${() => { done(); terms.reload(); }} />`}
			list=${() => html`<${Loaded} state=${terms}>${d => html`<${Table} empty=${t('terms.none')} rows=${d.items} columns=${[
				[t('terms.scope'), scope],
				[t('terms.model'), x => t('terms.model.' + x.model)],
				[t('terms.params'), x => html`<code>${JSON.stringify(x.params)}</code>`],
				[t('terms.from'), x => fmtTime(x.effective_from)],
				[t('terms.to'), x => (x.effective_to ? fmtTime(x.effective_to) : '—')],
				['', x => canWrite && !x.effective_to && html`<button class="link danger" onClick=${() => end(x)}>${t('terms.end')}</button>`],
			]} />`}<//>`} />
	<//>`;
}

// params builds the model's parameters from the form.
function params(v) {
	const fixed = { amount: v['params.amount'].trim(), currency: v['params.currency'].trim().toUpperCase() };
	switch (v.model) {
	case 'cpa': case 'cpl': return fixed;
	case 'revshare': return { percent: v['params.percent'].trim() };
	case 'hybrid': return { cpa: fixed, revshare: { percent: v['params.percent'].trim() } };
	default: try { return JSON.parse(v.params); } catch { return null; }
	}
}

function TermsForm({ lists, onSaved }) {
	const form = useForm({ partner_id: '', offer_id: '', campaign_id: '', model: 'cpa', 'params.amount': '', 'params.currency': 'USD',
		'params.percent': '', params: TIERED }, async v => {
		await post('/commission-terms', { partner_id: v.partner_id, offer_id: v.offer_id, campaign_id: v.campaign_id, model: v.model, params: params(v) });
		onSaved();
	});
	const m = form.values.model;
	const any = [['', t('terms.any')]];
	const opts = items => any.concat(items.map(i => [i.id, i.name]));
	// Hybrid's errors name params.cpa.* and params.revshare.*: shown at the same inputs.
	const e = form.errors;
	const f = m !== 'hybrid' ? form : { ...form, errors: { ...e, 'params.amount': e['params.cpa.amount'],
		'params.currency': e['params.cpa.currency'], 'params.percent': e['params.revshare.percent'] } };
	if (m === 'hybrid') form.shown.add('params.cpa.amount').add('params.cpa.currency').add('params.revshare.percent');
	return html`<${Form} form=${form} submitLabel=${t('terms.create')} class="inline">
		<${Field} form=${form} name="partner_id" type="select" label=${t('conv.partner')} options=${opts(lists.partners)} />
		<${Field} form=${form} name="offer_id" type="select" label=${t('campaigns.offer')} options=${opts(lists.offers)} />
		<${Field} form=${form} name="campaign_id" type="select" label=${t('campaigns.title')} options=${opts(lists.campaigns)} />
		<${Field} form=${form} name="model" type="select" label=${t('terms.model')} options=${MODELS.map(x => [x, t('terms.model.' + x)])} />
		${['cpa', 'cpl', 'hybrid'].includes(m) && html`
			<${Field} form=${f} name="params.amount" inputmode="decimal" label=${t('terms.amount')} />
			<${Field} form=${f} name="params.currency" label=${t('field.currency')} maxlength="3" />`}
		${['revshare', 'hybrid'].includes(m) && html`<${Field} form=${f} name="params.percent" inputmode="decimal" label=${t('terms.percent')} hint=${t('terms.percentHint')} />`}
		${m === 'tiered' && html`<${Field} form=${form} name="params" type="textarea" rows="8" label=${t('terms.params')} hint=${t('terms.tieredHint')} />`}
	<//>`;
}
