// API keys: create with scopes (never beyond the creator's role), shown once;
// list with last use; revoke.
import { html, useContext, useState } from '../../lib/html.js';
import { post, del } from '../../lib/api.js';
import { t, fmtTime, fmtDate } from '../../lib/i18n.js';
import { Page, Card, Table, CopyField, Notice, Badge, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field, errorText } from '../../lib/forms.js';
import { Session } from '../session.js';

// KEY_SCOPES are the permissions an API key may carry.
const KEY_SCOPES = ['campaigns:read', 'campaigns:write', 'offers:read', 'offers:write', 'partners:read', 'partners:write',
	'conversions:write', 'reports:read', 'payouts:read', 'payouts:write', 'plugins:read', 'plugins:write'];

export default function APIKeys() {
	const keys = useFetch('/api-keys');
	const [err, setErr] = useState('');
	const revoke = async k => {
		if (!confirmed(t('keys.revokeConfirm', { name: k.name }))) return;
		try { await del('/api-keys/' + k.id); keys.reload(); } catch (e) { setErr(errorText(e)); }
	};
	return html`<${Page} title=${t('nav.apiKeys')}>
		<${NewKey} onCreated=${keys.reload} />
		${err && html`<${Notice} kind="error">${err}<//>`}
		<${Card} title=${t('keys.list')}>
			<${Loaded} state=${keys}>${d => html`<${Table} empty=${t('keys.none')} rows=${d.items} columns=${[
				[t('field.name'), k => html`${k.name} ${k.test && html`<${Badge}>${t('keys.test')}<//>`}`],
				[t('keys.prefix'), k => html`<code>${k.prefix}…</code>`],
				[t('keys.scopes'), k => k.scopes.join(', ')],
				[t('keys.lastUsed'), k => (k.last_used_at ? `${fmtTime(k.last_used_at)} ${k.last_used_ip || ''}` : t('never'))],
				[t('keys.expires'), k => (k.expires_at ? fmtDate(k.expires_at) : t('never'))],
				[t('status'), k => (k.revoked_at ? html`<${Badge} kind="warn">${t('keys.revoked')}<//>` : html`<${Badge} kind="ok">${t('keys.active')}<//>`)],
				['', k => !k.revoked_at && html`<button class="link danger" onClick=${() => revoke(k)}>${t('revoke')}</button>`],
			]} />`}<//>
		<//>
	<//>`;
}

function NewKey({ onCreated }) {
	const { me } = useContext(Session);
	const [created, setCreated] = useState(null);
	const scopes = KEY_SCOPES.filter(s => me.scopes.includes(s));
	const form = useForm({ name: '', test: false, expires: '', scopes: [] }, async v => {
		const body = { name: v.name.trim(), scopes: v.scopes, test: v.test };
		if (v.expires) body.expires_at = new Date(v.expires + 'T23:59:59').toISOString();
		setCreated(await post('/api-keys', body));
		form.reset();
		onCreated();
	});
	form.shown.add('scopes').add('expires_at');
	const toggle = (s, on) => form.set('scopes', on ? [...form.values.scopes, s] : form.values.scopes.filter(x => x !== s));
	return html`<${Card} title=${t('keys.new')}>
		${created && html`<div class="created"><${Notice} kind="warn">${t('keys.once')}<//>
			<${CopyField} label=${t('keys.key')} name="api_key" value=${created.key} /></div>`}
		<${Form} form=${form} submitLabel=${t('keys.create')}>
			<${Field} form=${form} name="name" label=${t('field.name')} required />
			<fieldset class="scopes"><legend>${t('keys.scopes')}</legend>
				${scopes.map(s => html`<label class="check"><input type="checkbox" name="scope" value=${s} checked=${form.values.scopes.includes(s)}
					onChange=${e => toggle(s, e.currentTarget.checked)} /> <code>${s}</code></label>`)}
				${form.errors.scopes && html`<small class="field-error">${form.errors.scopes}</small>`}
			</fieldset>
			<${Field} form=${form} name="expires" type="date" label=${t('keys.expires')} />
			${form.errors.expires_at && html`<small class="field-error">${form.errors.expires_at}</small>`}
			<${Field} form=${form} name="test" type="checkbox" label=${t('keys.testLabel')} />
		<//>
	<//>`;
}
