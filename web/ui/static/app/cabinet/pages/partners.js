// Partners: personal invite links (the only way a partner registers) and
// the partners who joined.
import { html, useContext, useState, useEffect } from '../../lib/html.js';
import { get, post, put, del } from '../../lib/api.js';
import { t, fmtTime, fmtDate } from '../../lib/i18n.js';
import { Page, Card, Table, CopyField, Notice, Badge, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field, errorText } from '../../lib/forms.js';
import { Session } from '../session.js';

export default function Partners() {
	const { me } = useContext(Session);
	const canWrite = me.scopes.includes('partners:write');
	const invites = useFetch('/partners/invites');
	return html`<${Page} title=${t('nav.partners')}>
		${canWrite && html`<${NewInvite} onCreated=${invites.reload} />`}
		<${Card} title=${t('invites.title')}>
			<${Loaded} state=${invites}>${d => html`<${InviteTable} items=${d.items} canWrite=${canWrite} reload=${invites.reload} />`}<//>
		<//>
		<${PartnerList} canWrite=${canWrite} />
	<//>`;
}

// NewInvite creates an invite link; its URL is shown only now.
function NewInvite({ onCreated }) {
	const [created, setCreated] = useState(null);
	const form = useForm({ email: '', max_uses: '1', expires: '' }, async v => {
		const body = { max_uses: Number(v.max_uses) || 0 };
		if (v.email.trim()) body.email = v.email.trim();
		if (v.expires) body.expires_at = new Date(v.expires + 'T23:59:59').toISOString();
		setCreated(await post('/partners/invites', body));
		form.reset();
		onCreated();
	});
	form.shown.add('expires_at');
	return html`<${Card} title=${t('invites.new')}>
		<p class="muted">${t('invites.about')}</p>
		${created && html`<div class="created"><${Notice} kind="success">${t('invites.created')}<//>
			<${CopyField} label=${t('invites.link')} name="invite_url" value=${created.url} /></div>`}
		<${Form} form=${form} submitLabel=${t('invites.create')} class="inline">
			<${Field} form=${form} name="email" type="email" label=${t('invites.email')} hint=${t('invites.emailHint')} />
			<${Field} form=${form} name="max_uses" type="number" min="1" label=${t('invites.maxUses')} />
			<${Field} form=${form} name="expires" type="date" label=${t('invites.expires')} />
			${form.errors.expires_at && html`<small class="field-error">${form.errors.expires_at}</small>`}
		<//>
	<//>`;
}

function inviteState(i) {
	if (i.revoked_at) return ['revoked', ''];
	if (i.expires_at && new Date(i.expires_at) < new Date()) return ['expired', ''];
	if (i.uses >= i.max_uses) return ['used', ''];
	return ['active', 'ok'];
}

function InviteTable({ items, canWrite, reload }) {
	const [err, setErr] = useState('');
	const revoke = async i => {
		if (!confirmed(t('invites.revokeConfirm'))) return;
		try { await del('/partners/invites/' + i.id); reload(); } catch (e) { setErr(errorText(e)); }
	};
	return html`${err && html`<${Notice} kind="error">${err}<//>`}
		<${Table} empty=${t('invites.none')} rows=${items} columns=${[
		[t('invites.email'), i => i.email || t('invites.anyone')],
		[t('invites.uses'), i => `${i.uses} / ${i.max_uses}`],
		[t('invites.expires'), i => (i.expires_at ? fmtDate(i.expires_at) : t('never'))],
		[t('created'), i => fmtTime(i.created_at)],
		[t('status'), i => { const [s, k] = inviteState(i); return html`<${Badge} kind=${k}>${t('invites.state.' + s)}<//>`; }],
		['', i => canWrite && inviteState(i)[0] === 'active' && html`<button class="link danger" onClick=${() => revoke(i)}>${t('revoke')}</button>`],
	]} />`;
}

// PartnerList lists partners with search, status filter and suspension;
// the offers a partner may promote are granted from here.
function PartnerList({ canWrite }) {
	const [q, setQ] = useState('');
	const [status, setStatus] = useState('');
	const [err, setErr] = useState('');
	const [granting, setGranting] = useState(null);
	const partners = useFetch(`/partners?limit=200&q=${encodeURIComponent(q)}&status=${status}`);
	const setState = async (p, st) => {
		try { await put('/partners/' + p.id, { status: st }); partners.reload(); } catch (e) { setErr(errorText(e)); }
	};
	return html`<${Card} title=${t('partners.title')}>
		<div class="filters">
			<input type="search" name="q" placeholder=${t('partners.search')} aria-label=${t('partners.search')} value=${q} onInput=${e => setQ(e.currentTarget.value)} />
			<select name="status" aria-label=${t('status')} value=${status} onChange=${e => setStatus(e.currentTarget.value)}>
				<option value="">${t('partners.allStatuses')}</option>
				${['active', 'suspended', 'blocked'].map(s => html`<option value=${s}>${t('partners.state.' + s)}</option>`)}
			</select>
		</div>
		${err && html`<${Notice} kind="error">${err}<//>`}
		${granting && html`<${Grants} partner=${granting} onClose=${() => setGranting(null)} />`}
		<${Loaded} state=${partners}>${d => html`<${Table} empty=${t('partners.none')} rows=${d.items} columns=${[
			[t('field.name'), p => p.name],
			[t('field.email'), p => p.email],
			[t('status'), p => html`<${Badge} kind=${p.status === 'active' ? 'ok' : 'warn'}>${t('partners.state.' + p.status)}<//>`],
			[t('twofa.short'), p => (p.two_factor ? '✓' : '—')],
			[t('partners.joined'), p => fmtTime(p.created_at)],
			['', p => canWrite && html`<button class="link" name="grants" onClick=${() => setGranting(p)}>${t('grants.edit')}</button>`],
			['', p => canWrite && (p.status === 'active'
				? html`<button class="link danger" onClick=${() => confirmed(t('partners.suspendConfirm', { name: p.name })) && setState(p, 'suspended')}>${t('partners.suspend')}</button>`
				: html`<button class="link" onClick=${() => setState(p, 'active')}>${t('partners.activate')}</button>`)],
		]} />`}<//>
	<//>`;
}

// Grants edits the offers one partner may see and promote (all others stay
// private to it): PUT /partners/{id}/offers replaces the list.
function Grants({ partner, onClose }) {
	const [offers, setOffers] = useState(null);
	const [chosen, setChosen] = useState([]);
	const [msg, setMsg] = useState(null);
	useEffect(() => {
		Promise.all([get('/offers'), get(`/partners/${partner.id}/offers`)]).then(([o, g]) => {
			setOffers(o.items.filter(x => x.status !== 'archived'));
			setChosen(g.offer_ids);
		}, e => setMsg(['error', errorText(e)]));
	}, [partner.id]);
	const toggle = (id, on) => setChosen(c => (on ? [...c, id] : c.filter(x => x !== id)));
	const save = async e => {
		e.preventDefault();
		try {
			await put(`/partners/${partner.id}/offers`, { offer_ids: chosen });
			setMsg(['success', t('grants.saved', { n: chosen.length })]);
		} catch (err) { setMsg(['error', errorText(err)]); }
	};
	return html`<form class="grants" onSubmit=${save}>
		<h3>${t('grants.title', { name: partner.name })}</h3>
		${msg && html`<${Notice} kind=${msg[0]}>${msg[1]}<//>`}
		${offers && (offers.length
			? offers.map(o => html`<label class="check"><input type="checkbox" name="offer" value=${o.id} checked=${chosen.includes(o.id)}
				onChange=${e => toggle(o.id, e.currentTarget.checked)} /> ${o.name} <span class="muted">${o.payout} ${o.currency}</span></label>`)
			: html`<p class="muted">${t('grants.noOffers')}</p>`)}
		<div class="actions"><button type="submit" class="primary">${t('save')}</button>
			<button type="button" class="link" onClick=${onClose}>${t('grants.close')}</button></div>
	</form>`;
}
