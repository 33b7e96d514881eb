// The link builder: pick a granted offer, fill sub1..sub5 (the partner's
// own tracking values, passed back in stats and postbacks), get the final
// link to hand out.
import { html, useState } from '../../lib/html.js';
import { useLocation } from 'preact-iso';
import { post } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { Page, Card, CopyField, Notice, Loaded, useFetch } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { money } from '../money.js';

const SUBS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'];

export default function Links() {
	const offers = useFetch('/me/offers');
	const { query } = useLocation();
	return html`<${Page} title=${t('portal.nav.links')}>
		<p class="lead">${t('portal.links.intro')}</p>
		<${Loaded} state=${offers}>${d => (d.items.length
			? html`<${Builder} offers=${d.items} initial=${d.items.some(o => o.id === query.offer) ? query.offer : d.items[0].id} />`
			: html`<${Notice}>${t('portal.offers.none')}<//>`)}<//>
	<//>`;
}

function Builder({ offers, initial }) {
	const [made, setMade] = useState(null);
	const blank = { offer_id: initial, sub1: '', sub2: '', sub3: '', sub4: '', sub5: '' };
	const form = useForm(blank, async v => {
		const body = { offer_id: v.offer_id };
		for (const s of SUBS) if (v[s].trim()) body[s] = v[s].trim();
		setMade({ ...(await post('/me/links', body)), subs: SUBS.filter(s => body[s]).map(s => `${s}=${body[s]}`) });
	});
	const offer = offers.find(o => o.id === form.values.offer_id);
	return html`<div class="grid">
		<${Card} title=${t('portal.links.build')}>
			<${Form} form=${form} submitLabel=${t('portal.links.make')}>
				<${Field} form=${form} name="offer_id" type="select" label=${t('portal.links.offer')}
					options=${offers.map(o => [o.id, `${o.name} — ${money(o.payout, o.currency)}`])} />
				${offer && html`<p class="muted small">${t('portal.links.payoutIs', { payout: money(offer.payout, offer.currency) })}</p>`}
				<div class="subs">${SUBS.map(s => html`<${Field} form=${form} name=${s} label=${s} maxlength="255" autocomplete="off" />`)}</div>
				<p class="hint small">${t('portal.links.subsHint')}</p>
			<//>
		<//>
		<${Card} title=${t('portal.links.result')}>
			${made ? html`<${CopyField} label=${t('portal.links.final')} name="link_url" value=${made.url} />
				<p class="muted small">${made.subs.length ? t('portal.links.withSubs', { subs: made.subs.join(', ') }) : t('portal.links.noSubs')}</p>`
				: html`<p class="muted">${t('portal.links.empty')}</p>`}
		<//>
	</div>`;
}
