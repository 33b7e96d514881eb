// Campaigns: an offer, optionally through a landing, from a traffic
// source. Each has a tracking link (partners get their own from the portal)
// shown with a copy button.
import { html, useState } from '../../lib/html.js';
import { post, put, del } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { Page, Card, Table, CopyField, Notice, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { useCan, useAction, useNames, Editor, StatusBadge, STATUSES } from '../common.js';

export default function Campaigns() {
	const campaigns = useFetch('/campaigns');
	const canWrite = useCan('campaigns:write');
	const offers = useNames('/offers');
	const landings = useNames('/landings');
	const sources = useNames('/sources');
	const [saved, setSaved] = useState(null);
	const act = useAction(campaigns.reload);
	const remove = c => confirmed(t('campaigns.deleteConfirm', { name: c.name })) && act.run(() => del('/campaigns/' + c.id));
	const lists = { offers: offers.items, landings: landings.items, sources: sources.items };
	return html`<${Page} title=${t('nav.campaigns')}>
		${saved && html`<${Card} title=${saved.name} class="created">
			<${Notice} kind="success">${t('campaigns.saved')}<//>
			<${CopyField} label=${t('campaigns.trackingUrl')} name="tracking_url" value=${saved.tracking_url} />
			<p class="muted small">${t('campaigns.trackingHint')}</p>
		<//>`}
		${act.banner}
		<${Editor} title=${t('campaigns.list')} newLabel=${t('campaigns.new')} canWrite=${canWrite}
			form=${({ item, done }) => html`<${CampaignForm} key=${item.id || 'new'} campaign=${item} lists=${lists}
				onSaved=${c => { done(); setSaved(c); campaigns.reload(); }} />`}
			list=${({ edit }) => html`<${Loaded} state=${campaigns}>${d => html`<${Table} empty=${t('campaigns.none')} rows=${d.items} columns=${[
				[t('field.name'), c => c.name],
				[t('campaigns.offer'), c => offers.name(c.offer_id)],
				[t('campaigns.landing'), c => landings.name(c.landing_id)],
				[t('campaigns.source'), c => sources.name(c.source_id)],
				[t('status'), c => html`<${StatusBadge} status=${c.status} />`],
				[t('campaigns.trackingUrl'), c => html`<${CopyField} value=${c.tracking_url} />`],
				['', c => canWrite && html`<button class="link" onClick=${() => edit(c)}>${t('edit')}</button>
					<button class="link danger" onClick=${() => remove(c)}>${t('remove')}</button>`],
			]} />`}<//>`} />
	<//>`;
}

// CampaignForm creates (campaign = {}) or replaces a campaign.
function CampaignForm({ campaign, lists, onSaved }) {
	const form = useForm({
		name: campaign.name || '', offer_id: campaign.offer_id || lists.offers[0]?.id || '', landing_id: campaign.landing_id || '',
		source_id: campaign.source_id || '', status: campaign.status || 'active', fallback_url: campaign.fallback_url || '',
	}, async v => {
		const body = { ...v, name: v.name.trim(), fallback_url: v.fallback_url.trim(), offer_id: v.offer_id || lists.offers[0]?.id || '' };
		onSaved(await (campaign.id ? put('/campaigns/' + campaign.id, body) : post('/campaigns', body)));
	});
	const none = [['', t('campaigns.none.option')]];
	const opts = items => items.filter(i => i.status !== 'archived').map(i => [i.id, i.name]);
	if (!lists.offers.length) return html`<${Notice} kind="warn">${t('campaigns.needOffer')} <a href="/app/offers">${t('nav.offers')}</a><//>`;
	return html`<${Form} form=${form} submitLabel=${campaign.id ? t('save') : t('campaigns.create')} class="inline">
		<${Field} form=${form} name="name" label=${t('field.name')} required />
		<${Field} form=${form} name="offer_id" type="select" label=${t('campaigns.offer')} options=${opts(lists.offers)} />
		<${Field} form=${form} name="landing_id" type="select" label=${t('campaigns.landing')} options=${none.concat(opts(lists.landings))} />
		<${Field} form=${form} name="source_id" type="select" label=${t('campaigns.source')} options=${none.concat(opts(lists.sources))} />
		<${Field} form=${form} name="status" type="select" label=${t('status')} options=${STATUSES.map(s => [s, t('state.' + s)])} />
		<${Field} form=${form} name="fallback_url" type="url" label=${t('offers.fallback')} hint=${t('campaigns.fallbackHint')} />
	<//>`;
}
