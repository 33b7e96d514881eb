// Balances and ledger: every partner's money by state (pending, hold,
// available, in payout, paid) per currency, and the ledger entries behind
// them.
import { html, useState } from '../../lib/html.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Card, Table, Loaded, useFetch } from '../../lib/ui.js';
import { useNames, usePaged, Paged } from '../common.js';

const STATES = ['pending', 'hold', 'available', 'in_payout', 'paid', 'reversed', 'carryover'];

export default function Balances() {
	const balances = useFetch('/balances');
	const partners = useNames('/partners?limit=500');
	const [partner, setPartner] = useState('');
	const ledger = usePaged(`/ledger?limit=50&partner_id=${partner}`);
	return html`<${Page} title=${t('nav.balances')}>
		<${Card} title=${t('balances.title')}>
			<p class="muted">${t('balances.about')}</p>
			<${Loaded} state=${balances}>${d => html`<${Table} empty=${t('balances.none')} rows=${d.items} rowKey=${b => b.partner_id + b.currency}
				columns=${[
					[t('conv.partner'), b => partners.name(b.partner_id)],
					[t('field.currency'), b => b.currency],
					...STATES.map(s => [t('balances.' + s), b => b[s]]),
				]} />`}<//>
		<//>
		<${Card} title=${t('ledger.title')}>
			<div class="filters">
				<select name="partner_id" aria-label=${t('conv.partner')} value=${partner} onChange=${e => setPartner(e.currentTarget.value)}>
					<option value="">${t('ledger.allPartners')}</option>
					${partners.items.map(p => html`<option value=${p.id}>${p.name}</option>`)}
				</select>
			</div>
			<${Paged} paged=${ledger} empty=${t('ledger.none')} columns=${[
				[t('conv.time'), e => fmtTime(e.created_at)],
				[t('ledger.kind'), e => html`<code>${e.kind}</code>`],
				[t('conv.partner'), e => (e.partner_id ? partners.name(e.partner_id) : '—')],
				[t('ledger.account'), e => e.account],
				[t('payouts.amount'), e => `${e.amount} ${e.currency}`],
				[t('ledger.ref'), e => html`${e.conversion_id && html`<code>${e.conversion_id}</code>`} ${e.payout_id && html`<code>${e.payout_id}</code>`} ${e.memo}`],
			]} />
		<//>
	<//>`;
}
