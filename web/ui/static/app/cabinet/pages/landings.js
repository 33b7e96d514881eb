// Landings: pre-sale pages a campaign may send clicks through before the
// offer; the URL may hold the same macros as an offer's.
import { html } from '../../lib/html.js';
import { post, put, del } from '../../lib/api.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Table, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { useCan, useAction, Editor, CLICK_MACROS } from '../common.js';

export default function Landings() {
	const landings = useFetch('/landings');
	const canWrite = useCan('campaigns:write');
	const act = useAction(landings.reload);
	const remove = l => confirmed(t('landings.deleteConfirm', { name: l.name })) && act.run(() => del('/landings/' + l.id));
	return html`<${Page} title=${t('nav.landings')}>
		${act.banner}
		<${Editor} title=${t('landings.list')} newLabel=${t('landings.new')} canWrite=${canWrite}
			form=${({ item, done }) => html`<${LandingForm} key=${item.id || 'new'} landing=${item} onSaved=${() => { done(); landings.reload(); }} />`}
			list=${({ edit }) => html`<${Loaded} state=${landings}>${d => html`<${Table} empty=${t('landings.none')} rows=${d.items} columns=${[
				[t('field.name'), l => l.name],
				[t('field.url'), l => html`<code>${l.url}</code>`],
				[t('created'), l => fmtTime(l.created_at)],
				['', l => canWrite && html`<button class="link" onClick=${() => edit(l)}>${t('edit')}</button>
					<button class="link danger" onClick=${() => remove(l)}>${t('remove')}</button>`],
			]} />`}<//>`} />
	<//>`;
}

function LandingForm({ landing, onSaved }) {
	const form = useForm({ name: landing.name || '', url: landing.url || '' }, async v => {
		const body = { name: v.name.trim(), url: v.url.trim() };
		await (landing.id ? put('/landings/' + landing.id, body) : post('/landings', body));
		onSaved();
	});
	return html`<${Form} form=${form} submitLabel=${landing.id ? t('save') : t('landings.create')} class="inline">
		<${Field} form=${form} name="name" label=${t('field.name')} required />
		<${Field} form=${form} name="url" type="url" label=${t('field.url')} hint=${t('offers.urlHint', { macros: CLICK_MACROS })} required />
	<//>`;
}
