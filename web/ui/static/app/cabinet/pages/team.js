// Team and roles: invite members by email, change roles, remove members,
// revoke pending invitations.
import { html, useContext, useState } from '../../lib/html.js';
import { post, put, del } from '../../lib/api.js';
import { t, fmtTime, fmtDate } from '../../lib/i18n.js';
import { Page, Card, Table, Notice, Badge, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field, errorText } from '../../lib/forms.js';
import { Session } from '../session.js';

const ROLES = ['admin', 'manager', 'analyst', 'finance'];

export default function Team() {
	const { me } = useContext(Session);
	const canWrite = me.scopes.includes('team:write');
	const team = useFetch('/team');
	const [err, setErr] = useState('');
	const act = async fn => { setErr(''); try { await fn(); team.reload(); } catch (e) { setErr(errorText(e)); } };
	const roles = ROLES.filter(r => r !== 'admin' || me.role === 'owner');
	const manageable = m => canWrite && m.role !== 'owner' && m.id !== me.user_id && (m.role !== 'admin' || me.role === 'owner');
	return html`<${Page} title=${t('nav.team')}>
		${canWrite && html`<${InviteMember} roles=${roles} onInvited=${team.reload} />`}
		${err && html`<${Notice} kind="error">${err}<//>`}
		<${Loaded} state=${team}>${d => html`
			<${Card} title=${t('team.members')}>
				<${Table} empty="" rows=${d.members} columns=${[
					[t('field.name'), m => m.name],
					[t('field.email'), m => m.email],
					[t('team.role'), m => (manageable(m)
						? html`<select name="role" aria-label=${t('team.role')} value=${m.role} onChange=${e => act(() => put('/team/' + m.id, { role: e.currentTarget.value }))}>
							${roles.map(r => html`<option value=${r}>${t('role.' + r)}</option>`)}</select>`
						: t('role.' + m.role))],
					[t('twofa.short'), m => (m.two_factor ? '✓' : '—')],
					[t('team.since'), m => fmtDate(m.created_at)],
					['', m => manageable(m) && html`<button class="link danger" onClick=${() => confirmed(t('team.removeConfirm', { name: m.name || m.email })) && act(() => del('/team/' + m.id))}>${t('remove')}</button>`],
				]} />
			<//>
			<${Card} title=${t('team.pending')}>
				<${Table} empty=${t('team.noPending')} rows=${d.invites} columns=${[
					[t('field.email'), i => i.email],
					[t('team.role'), i => t('role.' + i.role)],
					[t('team.expires'), i => fmtTime(i.expires_at)],
					['', i => canWrite && html`<button class="link danger" onClick=${() => act(() => del('/team/invites/' + i.id))}>${t('revoke')}</button>`],
				]} />
			<//>`}<//>
	<//>`;
}

function InviteMember({ roles, onInvited }) {
	const [sent, setSent] = useState('');
	const form = useForm({ email: '', role: 'manager' }, async v => {
		await post('/team/invites', { email: v.email.trim(), role: v.role });
		setSent(v.email.trim());
		form.reset();
		onInvited();
	});
	return html`<${Card} title=${t('team.invite')}>
		${sent && html`<${Notice} kind="success">${t('team.invited', { email: sent })}<//>`}
		<${Form} form=${form} submitLabel=${t('team.sendInvite')} class="inline">
			<${Field} form=${form} name="email" type="email" label=${t('field.email')} required />
			<${Field} form=${form} name="role" type="select" label=${t('team.role')} options=${roles.map(r => [r, t('role.' + r)])} />
		<//>
		<p class="muted small">${t('team.rolesHint')}</p>
	<//>`;
}
