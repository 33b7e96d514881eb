// The partner's own statistics (GET /me/stats): clicks, conversions and the
// partner's own commission over time as a chart, the period's totals, and a
// breakdown by offer, sub-id, country or device. The advertiser's revenue is
// never part of these answers.
import { html, useState } from '../../lib/html.js';
import { t, fmtDay } from '../../lib/i18n.js';
import { Page, Card, Table, Loaded, useFetch } from '../../lib/ui.js';
import { LineChart, BarChart } from '../../lib/chart.js';
import { sum, money } from '../money.js';

const PERIODS = [7, 30, 90];
const BREAKDOWNS = ['offer', 'sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'country', 'device'];

export default function Stats() {
	const [days, setDays] = useState(7);
	const [currency, setCurrency] = useState('USD');
	const offers = useFetch('/me/offers');
	const range = period(days);
	const q = `from=${range.from}&to=${range.to}&currency=${currency}`;
	const byDay = useFetch('/me/stats?group_by=day&' + q);
	const currencies = [...new Set(['USD', ...(offers.data?.items || []).map(o => o.currency)])];
	return html`<${Page} title=${t('portal.nav.stats')}>
		<div class="filters">
			<select name="period" aria-label=${t('portal.stats.period')} value=${days} onChange=${e => setDays(Number(e.currentTarget.value))}>
				${PERIODS.map(n => html`<option value=${n}>${t('portal.stats.lastDays', { n })}</option>`)}
			</select>
			<select name="currency" aria-label=${t('portal.stats.currency')} value=${currency} onChange=${e => setCurrency(e.currentTarget.value)}>
				${currencies.map(c => html`<option value=${c}>${c}</option>`)}
			</select>
		</div>
		<${Loaded} state=${byDay}>${d => html`<${Overview} rows=${d.items} days=${range.days} currency=${currency} />`}<//>
		<${Breakdown} query=${q} currency=${currency} offers=${offers.data?.items || []} />
	<//>`;
}

// period is the last n UTC days, today included: from and to (exclusive)
// as dates, and every day in between.
function period(n) {
	const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
	const day = i => new Date(today - i * 86400000).toISOString().slice(0, 10);
	const days = [];
	for (let i = n - 1; i >= 0; i--) days.push(day(i));
	return { from: days[0], to: day(-1), days };
}

function Overview({ rows, days, currency }) {
	const at = Object.fromEntries(rows.map(r => [r.day, r]));
	const series = key => days.map(d => Number(at[d]?.[key] || 0));
	const clicks = rows.reduce((n, r) => n + r.clicks, 0);
	const conversions = rows.reduce((n, r) => n + r.conversions, 0);
	const payout = sum(rows.map(r => r.payout));
	const labels = days.map(d => fmtDay(d + 'T12:00:00Z'));
	return html`<div class="totals" data-testid="stats-totals">
			<${Total} name="clicks" label=${t('portal.stats.clicks')} value=${clicks} />
			<${Total} name="conversions" label=${t('portal.stats.conversions')} value=${conversions} />
			<${Total} name="cr" label=${t('portal.stats.cr')} value=${clicks ? (Math.round(conversions * 10000 / clicks) / 100) + '%' : '—'} />
			<${Total} name="payout" label=${t('portal.stats.payout')} value=${money(payout, currency)} />
		</div>
		<div class="grid">
			<${Card} title=${t('portal.stats.traffic')}>
				<${LineChart} label=${t('portal.stats.traffic')} labels=${labels}
					datasets=${[{ label: t('portal.stats.clicks'), data: series('clicks') }, { label: t('portal.stats.conversions'), data: series('conversions') }]} />
			<//>
			<${Card} title=${t('portal.stats.earnings', { currency })}>
				<${BarChart} label=${t('portal.stats.earnings', { currency })} labels=${labels}
					datasets=${[{ label: t('portal.stats.payout'), data: series('payout') }]} />
			<//>
		</div>`;
}

function Total({ name, label, value }) {
	return html`<div class="total card"><span class="muted small">${label}</span><strong data-total=${name}>${value}</strong></div>`;
}

// Breakdown tables the period by one dimension.
function Breakdown({ query, currency, offers }) {
	const [by, setBy] = useState('offer');
	const rows = useFetch(`/me/stats?group_by=${by}&${query}`);
	const names = Object.fromEntries(offers.map(o => [o.id, o.name]));
	const key = r => (by === 'offer' ? names[r.offer] || r.offer : r[by]) || '—';
	return html`<${Card} title=${t('portal.stats.breakdown')}>
		<div class="filters">
			<select name="group_by" aria-label=${t('portal.stats.groupBy')} value=${by} onChange=${e => setBy(e.currentTarget.value)}>
				${BREAKDOWNS.map(b => html`<option value=${b}>${t('portal.stats.by.' + b)}</option>`)}
			</select>
		</div>
		<${Loaded} state=${rows}>${d => html`<${Table} rows=${d.items} rowKey=${key} empty=${t('portal.stats.none')} columns=${[
			[t('portal.stats.by.' + by), key],
			[t('portal.stats.clicks'), r => r.clicks],
			[t('portal.stats.unique'), r => r.unique_clicks],
			[t('portal.stats.conversions'), r => r.conversions],
			[t('portal.stats.cr'), r => r.cr + '%'],
			[t('portal.stats.payout'), r => money(r.payout, currency)],
			[t('portal.stats.epc'), r => money(r.epc, currency)],
		]} />`}<//>
	<//>`;
}
