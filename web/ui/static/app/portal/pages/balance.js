// The partner's money: balances by state per currency, a payout request
// from the available balance, the payout history (a request awaiting
// approval can be withdrawn), and the ledger entries behind the balances.
import { html, useState } from '../../lib/html.js';
import { get, post } from '../../lib/api.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Card, Table, Notice, Badge, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field, errorText } from '../../lib/forms.js';
import { money, isZero } from '../money.js';

// STATES are the balance states shown, in the order money moves through them.
const STATES = ['pending', 'hold', 'available', 'in_payout', 'paid', 'reversed'];

export default function Balance() {
	const balances = useFetch('/me/balances');
	const payouts = useFetch('/me/payouts?limit=50');
	const [ledgerKey, setLedgerKey] = useState(0);
	const changed = () => { balances.reload(); payouts.reload(); setLedgerKey(k => k + 1); };
	return html`<${Page} title=${t('portal.nav.balance')}>
		<${Card} title=${t('portal.balance.title')}>
			<p class="muted small">${t('portal.balance.about')}</p>
			<${Loaded} state=${balances}>${d => html`<${Balances} items=${d.items} />`}<//>
		<//>
		<${Loaded} state=${balances}>${d => html`<${RequestPayout} balances=${d.items} onDone=${changed} />`}<//>
		<${Card} title=${t('portal.payouts.title')}>
			<${Loaded} state=${payouts}>${d => html`<${Payouts} items=${d.items} onChange=${changed} />`}<//>
		<//>
		<${Ledger} key=${ledgerKey} />
	<//>`;
}

function Balances({ items }) {
	return html`<${Table} rows=${items} rowKey=${b => b.currency} empty=${t('portal.balance.none')} columns=${[
		[t('portal.balance.currency'), b => html`<strong>${b.currency}</strong>`],
		...STATES.map(s => [t('portal.balance.' + s), b => html`<span data-balance=${s} data-currency=${b.currency}>${b[s]}</span>`]),
	]} />`;
}

// RequestPayout asks for a payout of the available balance (all of it
// when no amount is given) in one currency.
function RequestPayout({ balances, onDone }) {
	const [done, setDone] = useState(null);
	const payable = balances.filter(b => !isZero(b.available));
	const form = useForm({ amount: '', currency: payable[0]?.currency || balances[0]?.currency || 'USD' }, async v => {
		const body = { currency: v.currency };
		if (v.amount.trim()) body.amount = v.amount.trim();
		setDone(await post('/me/payouts', body));
		form.reset({ ...v, amount: '' });
		onDone();
	});
	const currencies = balances.length ? balances.map(b => b.currency) : ['USD'];
	const available = balances.find(b => b.currency === form.values.currency)?.available || '0.00';
	return html`<${Card} title=${t('portal.payouts.request')}>
		${done && html`<${Notice} kind="success">${t('portal.payouts.requested', { amount: money(done.amount, done.currency) })}<//>`}
		<p class="muted small">${t('portal.payouts.available', { amount: money(available, form.values.currency) })}</p>
		<${Form} form=${form} submitLabel=${t('portal.payouts.submit')} class="inline">
			<${Field} form=${form} name="currency" type="select" label=${t('portal.balance.currency')} options=${currencies.map(c => [c, c])} />
			<${Field} form=${form} name="amount" inputmode="decimal" label=${t('portal.payouts.amount')} hint=${t('portal.payouts.amountHint')} />
		<//>
	<//>`;
}

const statusKind = { paid: 'ok', requested: 'warn', approved: 'warn', sending: 'warn', failed: 'danger' };

function Payouts({ items, onChange }) {
	const [err, setErr] = useState('');
	const cancel = async p => {
		if (!confirmed(t('portal.payouts.cancelConfirm'))) return;
		try { await post('/me/payouts/' + p.id + '/cancel'); onChange(); } catch (e) { setErr(errorText(e)); }
	};
	return html`${err && html`<${Notice} kind="error">${err}<//>`}
		<${Table} rows=${items} empty=${t('portal.payouts.none')} columns=${[
		[t('created'), p => fmtTime(p.created_at)],
		[t('portal.payouts.amount'), p => html`<span data-payout-amount>${money(p.amount, p.currency)}</span>
			${p.source_currency && p.source_currency !== p.currency && html` <small class="muted">${t('portal.payouts.from', { amount: money(p.source_amount, p.source_currency) })}</small>`}`],
		[t('portal.payouts.method'), p => methodText(p.method)],
		[t('status'), p => html`<${Badge} kind=${statusKind[p.status] || ''}>${t('portal.payouts.state.' + p.status)}<//>`],
		[t('portal.payouts.detail'), p => p.reference || p.failure_reason || (p.paid_at ? fmtTime(p.paid_at) : '')],
		['', p => p.status === 'requested' && html`<button class="link danger" name="cancel_payout" onClick=${() => cancel(p)}>${t('portal.payouts.cancel')}</button>`],
	]} />`;
}

function methodText(m) {
	if (!m?.kind) return '—';
	if (m.kind === 'crypto') return `${m.currency} ${m.network} ${short(m.address)}`;
	return t('portal.method.kind.' + m.kind);
}

const short = s => (s && s.length > 14 ? s.slice(0, 6) + '…' + s.slice(-4) : s || '');

// Ledger lists the entries behind the balances, newest first, a page at a time.
function Ledger() {
	const [pages, setPages] = useState([]);
	const first = useFetch('/me/ledger?limit=50');
	const [err, setErr] = useState('');
	const next = pages.length ? pages[pages.length - 1].next_cursor : first.data?.next_cursor;
	const more = async () => {
		try { const p = await get('/me/ledger?limit=50&cursor=' + encodeURIComponent(next)); setPages([...pages, p]); } catch (e) { setErr(errorText(e)); }
	};
	return html`<${Card} title=${t('portal.ledger.title')}>
		${err && html`<${Notice} kind="error">${err}<//>`}
		<${Loaded} state=${first}>${d => html`<${Table} rows=${[d, ...pages].flatMap(p => p.items)} empty=${t('portal.ledger.none')} columns=${[
			[t('portal.ledger.time'), e => fmtTime(e.created_at)],
			[t('portal.ledger.kind'), e => t('portal.ledger.kinds.' + e.kind)],
			[t('portal.ledger.account'), e => t('portal.balance.' + e.account)],
			[t('portal.ledger.amount'), e => money(e.amount, e.currency)],
			[t('portal.ledger.about'), e => e.memo || (e.conversion_id ? t('portal.ledger.conversion', { id: e.conversion_id }) : e.payout_id ? t('portal.ledger.payout', { id: e.payout_id }) : '')],
		]} />`}<//>
		${next && html`<button type="button" onClick=${more}>${t('portal.ledger.more')}</button>`}
	<//>`;
}
