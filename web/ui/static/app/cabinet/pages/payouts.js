// Payouts: partners' payout requests and the team's — approve, mark paid
// with the bank or rail reference, mark failed with the reason, cancel —
// and a payout requested for a partner.
import { html, useState, useEffect } from '../../lib/html.js';
import { post } from '../../lib/api.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Card, Notice } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { useCan, useAction, useNames, usePaged, Paged, StatusBadge, money } from '../common.js';

const STATUSES = ['requested', 'approved', 'sending', 'paid', 'failed', 'cancelled'];

export default function Payouts() {
	const [status, setStatus] = useState('');
	const [confirm, setConfirm] = useState(null); // {payout, action: 'mark-paid' | 'mark-failed'}
	const paged = usePaged(`/payouts?limit=50&status=${status}`);
	const partners = useNames('/partners?limit=500');
	const canApprove = useCan('payouts:approve');
	const canWrite = useCan('payouts:write');
	const act = useAction(paged.reload);
	const actions = p => html`
		${canApprove && p.status === 'requested' && html`<button class="link" name="approve" onClick=${() => act.run(() => post(`/payouts/${p.id}/approve`))}>${t('payouts.approve')}</button>`}
		${canApprove && (p.status === 'approved' || p.status === 'sending') && html`
			<button class="link" name="mark_paid" onClick=${() => setConfirm({ payout: p, action: 'mark-paid' })}>${t('payouts.markPaid')}</button>
			<button class="link danger" name="mark_failed" onClick=${() => setConfirm({ payout: p, action: 'mark-failed' })}>${t('payouts.markFailed')}</button>`}
		${canWrite && (p.status === 'requested' || p.status === 'approved') && html`<button class="link danger" name="cancel"
			onClick=${() => act.run(() => post(`/payouts/${p.id}/cancel`))}>${t('cancel')}</button>`}`;
	return html`<${Page} title=${t('nav.payouts')}>
		${canWrite && html`<${NewPayout} partners=${partners.items} onCreated=${paged.reload} />`}
		${confirm && html`<${Confirm} key=${confirm.payout.id + confirm.action} ...${confirm} name=${partners.name(confirm.payout.partner_id)}
			onDone=${() => { setConfirm(null); paged.reload(); }} onCancel=${() => setConfirm(null)} />`}
		<${Card} title=${t('payouts.list')}>
			<div class="filters">
				<select name="status" aria-label=${t('status')} value=${status} onChange=${e => setStatus(e.currentTarget.value)}>
					<option value="">${t('conv.allStatuses')}</option>
					${STATUSES.map(s => html`<option value=${s}>${t('state.' + s)}</option>`)}
				</select>
			</div>
			${act.banner}
			<${Paged} paged=${paged} empty=${t('payouts.none')} columns=${[
				[t('created'), p => fmtTime(p.created_at)],
				[t('conv.partner'), p => partners.name(p.partner_id)],
				[t('payouts.amount'), p => money(p.amount, p.currency)],
				[t('payouts.method'), p => p.rail || '—'],
				[t('status'), p => html`<${StatusBadge} status=${p.status} />${p.awaiting_confirmation ? html` <small class="muted">${t('payouts.awaiting')}</small>` : ''}`],
				[t('payouts.reference'), p => p.reference || p.failure_reason || '—'],
				['', actions],
			]} />
		<//>
	<//>`;
}

// Confirm asks for the reference of a paid payout or the reason of a failed one.
function Confirm({ payout, action, name, onDone, onCancel }) {
	const paid = action === 'mark-paid';
	const form = useForm({ reference: '', reason: '' }, async v => {
		await post(`/payouts/${payout.id}/${action}`, paid ? { reference: v.reference.trim() } : { reason: v.reason.trim() });
		onDone();
	});
	return html`<${Card} title=${t(paid ? 'payouts.markPaidTitle' : 'payouts.markFailedTitle', { amount: money(payout.amount, payout.currency), name })}>
		<${Form} form=${form} submitLabel=${paid ? t('payouts.markPaid') : t('payouts.markFailed')} class="inline">
			${paid ? html`<${Field} form=${form} name="reference" label=${t('payouts.reference')} hint=${t('payouts.referenceHint')} required />`
				: html`<${Field} form=${form} name="reason" label=${t('payouts.reason')} hint=${t('payouts.reasonHint')} required />`}
		<//>
		<p><button type="button" class="link" onClick=${onCancel}>${t('cancel')}</button></p>
	<//>`;
}

// NewPayout requests a payout for a partner from their available balance.
function NewPayout({ partners, onCreated }) {
	const [done, setDone] = useState(false);
	const form = useForm({ partner_id: '', amount: '', currency: 'USD' }, async v => {
		const body = { partner_id: v.partner_id, currency: v.currency.trim().toUpperCase() };
		if (v.amount.trim()) body.amount = v.amount.trim();
		await post('/payouts', body);
		setDone(true);
		form.reset();
		onCreated();
	});
	// The select shows the first partner until another is chosen.
	useEffect(() => { if (!form.values.partner_id && partners.length) form.set('partner_id', partners[0].id); }, [partners.length, form.values.partner_id]);
	if (!partners.length) return null;
	return html`<${Card} title=${t('payouts.new')}>
		${done && html`<${Notice} kind="success">${t('payouts.requested')}<//>`}
		<${Form} form=${form} submitLabel=${t('payouts.request')} class="inline">
			<${Field} form=${form} name="partner_id" type="select" label=${t('conv.partner')} options=${partners.map(p => [p.id, p.name])} />
			<${Field} form=${form} name="amount" inputmode="decimal" label=${t('payouts.amount')} hint=${t('payouts.amountHint')} />
			<${Field} form=${form} name="currency" label=${t('field.currency')} maxlength="3" />
		<//>
	<//>`;
}
