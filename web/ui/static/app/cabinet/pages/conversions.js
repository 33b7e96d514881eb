// Conversions: every conversion with its click, campaign, partner, status,
// the advertiser's revenue and the partner's payout, newest first.
import { html, useState } from '../../lib/html.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Card, Badge } from '../../lib/ui.js';
import { useCan, useNames, usePaged, Paged, StatusBadge, money } from '../common.js';

const STATUSES = ['pending', 'approved', 'hold', 'rejected'];

export default function Conversions() {
	const [status, setStatus] = useState('');
	const paged = usePaged(`/conversions?limit=50&status=${status}`);
	const campaigns = useNames('/campaigns');
	const partners = useNames(useCan('partners:read') ? '/partners?limit=500' : null);
	return html`<${Page} title=${t('nav.conversions')}>
		<${Card}>
			<div class="filters">
				<select name="status" aria-label=${t('status')} value=${status} onChange=${e => setStatus(e.currentTarget.value)}>
					<option value="">${t('conv.allStatuses')}</option>
					${STATUSES.map(s => html`<option value=${s}>${t('state.' + s)}</option>`)}
				</select>
				<button type="button" name="refresh" onClick=${paged.reload}>${t('perf.refresh')}</button>
			</div>
			<${Paged} paged=${paged} empty=${t('conv.none')} columns=${[
				[t('conv.time'), c => fmtTime(c.created_at)],
				[t('conv.click'), c => html`<code>${c.click_id}</code>`],
				[t('campaigns.title'), c => campaigns.name(c.campaign_id)],
				[t('conv.partner'), c => (c.partner_id ? partners.name(c.partner_id) : t('perf.none'))],
				[t('conv.country'), c => c.country || '—'],
				[t('conv.event'), c => c.event],
				[t('status'), c => html`<${StatusBadge} status=${c.status} /> ${c.test && html`<${Badge}>${t('conv.test')}<//>`} ${c.fraud && html`<${Badge} kind="bad">${t('conv.fraud')}<//>`}`],
				[t('perf.revenue'), c => money(c.revenue, c.currency)],
				[t('perf.payout'), c => money(c.payout, c.payout_currency)],
				[t('conv.tx'), c => c.tx_id || '—'],
			]} />
		<//>
	<//>`;
}
