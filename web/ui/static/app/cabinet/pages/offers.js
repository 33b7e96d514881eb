// Offers: what partners promote — the destination URL with macros, the
// default payout per approved conversion, allowed countries, caps and the
// fallback URL for traffic the offer cannot take.
import { html } from '../../lib/html.js';
import { post, put } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { Page, Table, Loaded, useFetch } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { useCan, Editor, StatusBadge, STATUSES, CLICK_MACROS, money, splitList } from '../common.js';

export default function Offers() {
	const offers = useFetch('/offers');
	const canWrite = useCan('offers:write');
	return html`<${Page} title=${t('nav.offers')}>
		<${Editor} title=${t('offers.list')} newLabel=${t('offers.new')} canWrite=${canWrite}
			form=${({ item, done }) => html`<${OfferForm} key=${item.id || 'new'} offer=${item} onSaved=${() => { done(); offers.reload(); }} />`}
			list=${({ edit }) => html`<${Loaded} state=${offers}>${d => html`<${Table} empty=${t('offers.none')} rows=${d.items} columns=${[
				[t('field.name'), o => o.name],
				[t('offers.payout'), o => money(o.payout, o.currency)],
				[t('offers.countries'), o => (o.countries?.length ? o.countries.join(' ') : t('offers.allCountries'))],
				[t('offers.caps'), o => `${o.daily_cap || '∞'} / ${o.total_cap || '∞'}`],
				[t('status'), o => html`<${StatusBadge} status=${o.status} />`],
				['', o => canWrite && html`<button class="link" onClick=${() => edit(o)}>${t('edit')}</button>`],
			]} />`}<//>`} />
	<//>`;
}

// OfferForm creates (offer = {}) or replaces an offer.
function OfferForm({ offer, onSaved }) {
	const form = useForm({
		name: offer.name || '', url: offer.url || '', payout: offer.payout || '0', currency: offer.currency || 'USD',
		status: offer.status || 'active', countries: (offer.countries || []).join(', '),
		daily_cap: String(offer.daily_cap || 0), total_cap: String(offer.total_cap || 0), fallback_url: offer.fallback_url || '',
	}, async v => {
		const body = { name: v.name.trim(), url: v.url.trim(), payout: v.payout.trim(), currency: v.currency.trim().toUpperCase(),
			status: v.status, countries: splitList(v.countries), daily_cap: Number(v.daily_cap) || 0,
			total_cap: Number(v.total_cap) || 0, fallback_url: v.fallback_url.trim() };
		await (offer.id ? put('/offers/' + offer.id, body) : post('/offers', body));
		onSaved();
	});
	return html`<${Form} form=${form} submitLabel=${offer.id ? t('save') : t('offers.create')} class="inline">
		<${Field} form=${form} name="name" label=${t('field.name')} required />
		<${Field} form=${form} name="url" type="url" label=${t('offers.url')} hint=${t('offers.urlHint', { macros: CLICK_MACROS })} required />
		<${Field} form=${form} name="payout" inputmode="decimal" label=${t('offers.payout')} hint=${t('offers.payoutHint')} />
		<${Field} form=${form} name="currency" label=${t('field.currency')} maxlength="3" />
		<${Field} form=${form} name="status" type="select" label=${t('status')} options=${STATUSES.map(s => [s, t('state.' + s)])} />
		<${Field} form=${form} name="countries" label=${t('offers.countries')} hint=${t('offers.countriesHint')} />
		<${Field} form=${form} name="daily_cap" type="number" min="0" label=${t('offers.dailyCap')} hint=${t('offers.capHint')} />
		<${Field} form=${form} name="total_cap" type="number" min="0" label=${t('offers.totalCap')} hint=${t('offers.capHint')} />
		<${Field} form=${form} name="fallback_url" type="url" label=${t('offers.fallback')} hint=${t('offers.fallbackHint')} />
	<//>`;
}
