// The offers the program granted to this partner, each with the partner's
// own tracking link (POST /me/links, made when asked for: every link request
// is a recorded action) and a way into the link builder with sub-ids.
import { html, useContext, useState } from '../../lib/html.js';
import { post } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { Page, Card, Table, CopyField, Notice, Loaded, useFetch } from '../../lib/ui.js';
import { errorText } from '../../lib/forms.js';
import { Portal } from '../portal.js';
import { money } from '../money.js';

export default function Offers() {
	const offers = useFetch('/me/offers');
	return html`<${Page} title=${t('portal.nav.offers')}>
		<p class="lead">${t('portal.offers.intro')}</p>
		<${Loaded} state=${offers}>${d => html`<${OfferList} items=${d.items} />`}<//>
	<//>`;
}

function OfferList({ items }) {
	const { base } = useContext(Portal);
	if (!items.length) return html`<${Card}><p class="muted empty" data-testid="no-offers">${t('portal.offers.none')}</p><//>`;
	return html`<${Card}><${Table} rows=${items} empty="" columns=${[
		[t('portal.offers.name'), o => html`<strong>${o.name}</strong>`],
		[t('portal.offers.payout'), o => html`<span class="nowrap">${money(o.payout, o.currency)}</span>`],
		[t('portal.offers.countries'), o => (o.countries?.length ? o.countries.join(', ') : t('portal.offers.anyCountry'))],
		[t('portal.offers.link'), o => html`<${OfferLink} offer=${o} builder=${base + '/links?offer=' + encodeURIComponent(o.id)} />`],
	]} /><//>`;
}

// OfferLink asks for the partner's plain link to one offer and shows it
// with a copy button.
function OfferLink({ offer, builder }) {
	const [link, setLink] = useState(null);
	const [err, setErr] = useState('');
	const [busy, setBusy] = useState(false);
	const get = async () => {
		setBusy(true); setErr('');
		try { setLink((await post('/me/links', { offer_id: offer.id })).url); } catch (e) { setErr(errorText(e)); }
		setBusy(false);
	};
	return html`<div class="offer-link" data-offer=${offer.id}>
		${err && html`<${Notice} kind="error">${err}<//>`}
		${link ? html`<${CopyField} name="offer_link" value=${link} />`
			: html`<button type="button" name="get_link" disabled=${busy} onClick=${get}>${t('portal.offers.getLink')}</button>`}
		<a class="small" href=${builder}>${t('portal.offers.withSubs')}</a>
	</div>`;
}
