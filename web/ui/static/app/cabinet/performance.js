// The dashboard's performance section: totals, clicks and conversions per
// day, money per day (revenue, partners' payout, profit) and the top
// campaigns, partners and countries, all from GET /api/v1/stats.
import { html, useState } from '../lib/html.js';
import { t, fmtDay } from '../lib/i18n.js';
import { Card, Table, Loaded, useFetch } from '../lib/ui.js';
import { LineChart, BarChart } from '../lib/chart.js';
import { useNames, useCan } from './common.js';

const PERIODS = [7, 30, 90];

// range is the stats query of the last n UTC days, today included.
function range(n) {
	const day = ms => new Date(ms).toISOString().slice(0, 10);
	const days = [];
	for (let i = n - 1; i >= 0; i--) days.push(day(Date.now() - i * 86400000));
	return { days, query: `from=${days[0]}&to=${day(Date.now() + 86400000)}` };
}

// Performance shows the tenant's figures over a chosen period.
export function Performance() {
	const [n, setN] = useState(7);
	const [tick, setTick] = useState(0);
	const { days, query } = range(n);
	const q = `${query}&_=${tick}`;
	return html`<div class="performance">
		<div class="filters">
			<select name="period" aria-label=${t('perf.period')} value=${n} onChange=${e => setN(Number(e.currentTarget.value))}>
				${PERIODS.map(p => html`<option value=${p}>${t('perf.lastDays', { n: p })}</option>`)}
			</select>
			<button type="button" name="refresh" onClick=${() => setTick(x => x + 1)}>${t('perf.refresh')}</button>
		</div>
		<${Totals} q=${q} />
		<${Daily} q=${q} days=${days} />
		<div class="grid">
			<${Top} q=${q} dim="campaign" names="/campaigns" />
			<${Top} q=${q} dim="partner" names=${useCan('partners:read') ? '/partners?limit=500' : null} />
			<${Top} q=${q} dim="country" />
		</div>
	</div>`;
}

const FIGURES = ['clicks', 'conversions', 'revenue', 'payout', 'profit'];

function Totals({ q }) {
	const stats = useFetch('/stats?' + q);
	return html`<${Loaded} state=${stats}>${d => {
		const row = d.items[0] || {};
		return html`<dl class="kpis">${FIGURES.map(f => html`<div class="kpi" data-testid=${'kpi-' + f}>
			<dt>${t('perf.' + f)}</dt><dd>${row[f] ?? 0}</dd></div>`)}</dl>`;
	}}<//>`;
}

// Daily draws traffic and money per day, days without data as zero.
function Daily({ q, days }) {
	const stats = useFetch('/stats?group_by=day&' + q);
	const labels = days.map(d => fmtDay(d + 'T12:00:00Z'));
	const series = (items, f) => days.map(d => Number(items.find(r => r.day === d)?.[f] || 0));
	const css = getComputedStyle(document.documentElement);
	const color = (name, dflt) => css.getPropertyValue(name).trim() || dflt;
	const colors = { revenue: color('--primary', '#2451b7'), payout: color('--accent', '#e07b00'), profit: '#1d7a46' };
	return html`<${Loaded} state=${stats}>${d => html`<div class="grid">
		<${Card} title=${t('perf.traffic')}>
			<${LineChart} label=${t('perf.traffic')} labels=${labels} datasets=${['clicks', 'conversions'].map(f => ({ label: t('perf.' + f), data: series(d.items, f) }))} />
		<//>
		<${Card} title=${t('perf.money')}>
			<${BarChart} label=${t('perf.money')} labels=${labels} datasets=${['revenue', 'payout', 'profit'].map(f => ({
				label: t('perf.' + f), data: series(d.items, f), backgroundColor: colors[f], borderColor: colors[f] }))} />
		<//>
	</div>`}<//>`;
}

// Top lists the five groups of dim with the most clicks.
function Top({ q, dim, names }) {
	const stats = useFetch(`/stats?group_by=${dim}&${q}`);
	const lookup = useNames(names || null);
	const label = r => (!r[dim] ? t(dim === 'country' ? 'perf.unknown' : 'perf.none') : dim === 'country' ? r.country : lookup.name(r[dim]));
	return html`<${Card} title=${t('perf.top.' + dim)}>
		<${Loaded} state=${stats}>${d => html`<${Table} empty=${t('perf.noData')} rowKey=${r => r[dim] || '-'}
			rows=${[...d.items].sort((a, b) => b.clicks - a.clicks || b.conversions - a.conversions).slice(0, 5)} columns=${[
			[t('perf.dim.' + dim), label],
			[t('perf.clicks'), r => r.clicks],
			[t('perf.conversions'), r => r.conversions],
			[t('perf.revenue'), r => r.revenue],
		]} />`}<//>
	<//>`;
}
