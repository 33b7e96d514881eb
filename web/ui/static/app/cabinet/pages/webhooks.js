// Webhooks: the tenant's own endpoints told of every conversion change
// (with revenue), optionally signed with the tenant's webhook secret; a test
// button sends a sample now and shows the answer.
import { html, useState } from '../../lib/html.js';
import { post, put, del } from '../../lib/api.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Card, Table, CopyField, Notice, Badge, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { useAction, Editor, StatusBadge, splitList } from '../common.js';

export default function Webhooks() {
	const hooks = useFetch('/webhooks');
	const [result, setResult] = useState(null);
	const [secret, setSecret] = useState(''); // made by the first signed save, shown once
	const act = useAction(hooks.reload);
	const test = w => act.run(async () => setResult(await post(`/webhooks/${w.id}/test`, {})));
	const remove = w => confirmed(t('hooks.deleteConfirm')) && act.run(() => del('/webhooks/' + w.id));
	return html`<${Page} title=${t('nav.webhooks')}>
		<p class="muted">${t('hooks.about')}</p>
		${act.banner}
		${result && html`<${Notice} kind=${result.status === 'delivered' ? 'success' : 'error'}>
			${t('hooks.tested', { status: t('state.' + result.status) })} ${result.last_error || (result.last_status_code ? `HTTP ${result.last_status_code}` : '')}
			<a href="/app/postbacks?tab=outgoing">${t('hooks.seeLog')}</a><//>`}
		${secret && html`<${Notice} kind="warn">${t('keys.once')}<//><${CopyField} label=${t('hooks.secret')} name="webhook_secret_new" value=${secret} />`}
		<${Editor} title=${t('hooks.list')} newLabel=${t('hooks.new')} canWrite=${true}
			form=${({ item, done }) => html`<${HookForm} key=${item.id || 'new'} hook=${item} onSaved=${res => { if (res.secret) setSecret(res.secret); done(); hooks.reload(); }} />`}
			list=${({ edit }) => html`<${Loaded} state=${hooks}>${d => html`<${Table} empty=${t('hooks.none')} rows=${d.items} columns=${[
				[t('field.url'), w => html`<code>${w.method} ${w.url}</code>${w.description && html`<br /><small class="muted">${w.description}</small>`}`],
				[t('hooks.format'), w => w.format],
				[t('hooks.events'), w => (w.events.length ? w.events.join(', ') : t('hooks.allEvents'))],
				[t('hooks.sign'), w => (w.sign ? '✓' : '—')],
				[t('status'), w => html`<${StatusBadge} status=${w.enabled ? 'enabled' : 'disabled'} />`],
				[t('created'), w => fmtTime(w.created_at)],
				['', w => html`<button class="link" name="test" disabled=${act.busy} onClick=${() => test(w)}>${t('hooks.test')}</button>
					<button class="link" name="edit" onClick=${() => edit(w)}>${t('edit')}</button>
					<button class="link danger" name="remove" onClick=${() => remove(w)}>${t('remove')}</button>`],
			]} />`}<//>`} />
		<${Secret} has=${hooks.data?.items.some(w => w.has_secret)} />
	<//>`;
}

function HookForm({ hook, onSaved }) {
	const form = useForm({
		url: hook.url || '', method: hook.method || 'POST', format: hook.format || 'json', events: (hook.events || []).join(', '),
		sign: hook.sign ?? true, enabled: hook.enabled ?? true, description: hook.description || '',
	}, async v => {
		const body = { ...v, url: v.url.trim(), events: splitList(v.events), description: v.description.trim() };
		onSaved(await (hook.id ? put('/webhooks/' + hook.id, body) : post('/webhooks', body)));
	});
	return html`<${Form} form=${form} submitLabel=${hook.id ? t('save') : t('hooks.create')} class="inline">
		<${Field} form=${form} name="url" type="url" label=${t('field.url')} hint=${t('hooks.urlHint', { macros: '{conversion_id}, {status}, {revenue}, {currency}, {click_id}, {tx_id}' })} required />
		<${Field} form=${form} name="method" type="select" label=${t('hooks.method')} options=${[['POST', 'POST'], ['GET', 'GET']]} />
		<${Field} form=${form} name="format" type="select" label=${t('hooks.format')} options=${[['json', 'JSON'], ['url', t('hooks.formatUrl')]]} />
		<${Field} form=${form} name="events" label=${t('hooks.events')} hint=${t('hooks.eventsHint')} />
		<${Field} form=${form} name="description" label=${t('hooks.description')} />
		<${Field} form=${form} name="sign" type="checkbox" label=${t('hooks.signLabel')} />
		<${Field} form=${form} name="enabled" type="checkbox" label=${t('hooks.enabled')} />
	<//>`;
}

// Secret rotates the webhook signing secret, shown once.
function Secret({ has }) {
	const [secret, setSecret] = useState('');
	const act = useAction();
	const rotate = () => (!has || confirmed(t('hooks.secretConfirm'))) && act.run(async () => setSecret((await post('/webhooks/secret', {})).secret));
	return html`<${Card} title=${t('hooks.secret')}>
		<p class="muted">${t('hooks.secretAbout')} ${has && html`<${Badge} kind="ok">${t('hooks.secretSet')}<//>`}</p>
		${act.banner}
		${secret && html`<${Notice} kind="warn">${t('keys.once')}<//><${CopyField} label=${t('hooks.secret')} name="webhook_secret" value=${secret} />`}
		<button name="rotate_secret" disabled=${act.busy} onClick=${rotate}>${has ? t('hooks.rotateSecret') : t('hooks.makeSecret')}</button>
	<//>`;
}
