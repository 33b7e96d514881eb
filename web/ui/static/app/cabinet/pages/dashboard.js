// The cabinet's home: the trial, a getting-started checklist built from the
// account's real state, the links to hand out, the program's performance
// (see ../performance.js) and recent account activity.
import { html, useContext } from '../../lib/html.js';
import { t, fmtDate, fmtDay } from '../../lib/i18n.js';
import { Page, Card, CopyField, Notice, Loaded, useFetch } from '../../lib/ui.js';
import { BarChart } from '../../lib/chart.js';
import { Session } from '../session.js';
import { Performance } from '../performance.js';

const can = (me, scope) => me.scopes.includes(scope);

export default function Dashboard() {
	const { me } = useContext(Session);
	const tenant = me.tenant;
	return html`<${Page} title=${t('nav.dashboard')}>
		<p class="lead">${t('dash.hello', { name: me.name || me.email })}</p>
		${tenant.status === 'trial' && tenant.trial_ends_at && html`<${Notice}>${t('dash.trial', { plan: t('plan.' + tenant.plan), date: fmtDate(tenant.trial_ends_at), n: daysLeft(tenant.trial_ends_at) })}<//>`}
		<div class="grid">
			<${Checklist} me=${me} />
			<${Card} title=${t('dash.links')}>
				<${CopyField} label=${t('dash.portal')} name="portal_url" value=${location.origin + tenant.portal_path + '/'} />
				${me.postback_url && html`<${CopyField} label=${t('dash.postback')} name="postback_url" value=${me.postback_url} />`}
			<//>
		</div>
		${can(me, 'reports:read') && html`<${Performance} />`}
		${can(me, 'audit:read') && html`<${Activity} />`}
	<//>`;
}

function daysLeft(iso) {
	return Math.max(0, Math.ceil((new Date(iso) - Date.now()) / 86400000));
}

// Checklist shows the first steps and which are done.
function Checklist({ me }) {
	const partners = useFetch(can(me, 'partners:read') ? '/partners?limit=1' : null);
	const invites = useFetch(can(me, 'partners:read') ? '/partners/invites' : null);
	const team = useFetch(can(me, 'team:read') ? '/team' : null);
	const b = me.tenant.branding || {};
	const steps = [
		can(me, 'partners:write') && ['/app/partners', 'dash.step.invite', (invites.data?.items.length || 0) + (partners.data?.items.length || 0) > 0],
		can(me, 'team:write') && ['/app/team', 'dash.step.team', (team.data?.members.length || 0) + (team.data?.invites.length || 0) > 1],
		can(me, 'settings:write') && ['/app/settings', 'dash.step.brand', !!(b.name || b.logo_url || b.primary_color)],
		['/app/security', 'dash.step.2fa', me.two_factor],
	].filter(Boolean);
	return html`<${Card} title=${t('dash.start')}>
		<ul class="checklist">${steps.map(([href, key, done]) => html`<li class=${done ? 'done' : ''}>
			<span aria-hidden="true">${done ? '✓' : '○'}</span> <a href=${href}>${t(key)}</a>${done && html` <span class="sr-only">${t('dash.done')}</span>`}</li>`)}
		</ul>
	<//>`;
}

// Activity charts the audit log's state changes per day over two weeks.
function Activity() {
	const log = useFetch('/audit-log?limit=500');
	const days = [];
	for (let i = 13; i >= 0; i--) days.push(new Date(Date.now() - i * 86400000).toISOString().slice(0, 10));
	const counts = items => days.map(d => items.filter(e => e.created_at.slice(0, 10) === d).length);
	return html`<${Card} title=${t('dash.activity')} class="wide">
		<${Loaded} state=${log}>${d => html`<${BarChart} label=${t('dash.activity')} labels=${days.map(d => fmtDay(d + 'T12:00:00Z'))}
			datasets=${[{ label: t('dash.events'), data: counts(d.items) }]} />`}<//>
	<//>`;
}
