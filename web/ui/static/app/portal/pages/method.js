// Where the partner is paid (GET/PUT /me/payout-method): a crypto address
// with its network and memo/tag, bank details, or manual instructions. The
// server validates per network (address format, memo rules, IBAN checksum)
// and names the field at fault.
import { html, useState } from '../../lib/html.js';
import { put } from '../../lib/api.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Card, Notice, Loaded } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { useOptional } from '../optional.js';

// NETWORKS are the crypto networks payouts support (core/payout's table);
// TAGGED take a memo or destination tag.
const NETWORKS = ['TRC20', 'ERC20', 'BEP20', 'POLYGON', 'ARBITRUM', 'OPTIMISM', 'BASE', 'AVAXC', 'BTC', 'LTC', 'SOL', 'TON', 'XRP', 'XLM'];
const TAGGED = ['TON', 'XRP', 'XLM'];
const BANK = ['account_holder', 'iban', 'account_number', 'swift', 'bank_name'];

export default function Method() {
	const method = useOptional('/me/payout-method');
	return html`<${Page} title=${t('portal.nav.method')}>
		<p class="lead">${t('portal.method.intro')}</p>
		<${Loaded} state=${method}>${d => html`<${MethodForm} saved=${d.value} />`}<//>
	<//>`;
}

// formValues flattens a saved method into the form's fields.
function formValues(m) {
	const v = { kind: m?.kind || 'crypto', currency: m?.currency || 'USDT', network: m?.network || 'TRC20', address: m?.address || '', memo: m?.memo || '' };
	for (const k of [...BANK, 'instructions']) v['details.' + k] = m?.details?.[k] || '';
	return v;
}

// body is the PUT body for the chosen kind: only that kind's fields.
function body(v) {
	const details = {};
	const keys = v.kind === 'bank' ? BANK : v.kind === 'manual' ? ['instructions'] : [];
	for (const k of keys) if (v['details.' + k].trim()) details[k] = v['details.' + k].trim();
	const b = { kind: v.kind, currency: v.currency.trim(), details };
	if (v.kind === 'crypto') Object.assign(b, { network: v.network, address: v.address.trim(), memo: TAGGED.includes(v.network) ? v.memo.trim() : '' });
	return b;
}

function MethodForm({ saved }) {
	const [current, setCurrent] = useState(saved);
	const [done, setDone] = useState(false);
	const form = useForm(formValues(saved), async v => {
		setDone(false);
		setCurrent(await put('/me/payout-method', body(v)));
		setDone(true);
	});
	const v = form.values;
	return html`<div class="grid">
		<${Card} title=${t('portal.method.edit')}>
			${done && html`<${Notice} kind="success">${t('portal.method.saved')}<//>`}
			<${Form} form=${form} submitLabel=${t('save')}>
				<${Field} form=${form} name="kind" type="select" label=${t('portal.method.kind')}
					options=${['crypto', 'bank', 'manual'].map(k => [k, t('portal.method.kind.' + k)])} />
				<${Field} form=${form} name="currency" label=${t('portal.method.currency')} hint=${t('portal.method.currencyHint')} />
				${v.kind === 'crypto' && html`
					<${Field} form=${form} name="network" type="select" label=${t('portal.method.network')} options=${NETWORKS.map(n => [n, n])} />
					<${Field} form=${form} name="address" label=${t('portal.method.address')} autocomplete="off" spellcheck="false" />
					${TAGGED.includes(v.network) && html`<${Field} form=${form} name="memo" label=${t('portal.method.memo')} hint=${t('portal.method.memoHint')} />`}`}
				${v.kind === 'bank' && BANK.map(k => html`<${Field} form=${form} name=${'details.' + k} label=${t('portal.method.bank.' + k)} />`)}
				${v.kind === 'manual' && html`<${Field} form=${form} name="details.instructions" type="textarea" label=${t('portal.method.instructions')} />`}
			<//>
		<//>
		<${Card} title=${t('portal.method.current')}>
			${current ? html`<${Summary} m=${current} />` : html`<p class="muted" data-testid="no-method">${t('portal.method.none')}</p>`}
		<//>
	</div>`;
}

function Summary({ m }) {
	const rows = [[t('portal.method.kind'), t('portal.method.kind.' + m.kind)], [t('portal.method.currency'), m.currency]];
	if (m.network) rows.push([t('portal.method.network'), m.network]);
	if (m.address) rows.push([t('portal.method.address'), html`<code>${m.address}</code>`]);
	if (m.memo) rows.push([t('portal.method.memo'), m.memo]);
	for (const [k, val] of Object.entries(m.details || {})) rows.push([k === 'instructions' ? t('portal.method.instructions') : t('portal.method.bank.' + k), val]);
	return html`<dl class="facts" data-testid="method-summary">${rows.map(([k, val]) => html`<dt>${k}</dt><dd>${val}</dd>`)}</dl>
		<p class="muted small">${t('portal.method.updated', { time: fmtTime(m.updated_at) })}</p>`;
}
