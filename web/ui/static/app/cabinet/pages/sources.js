// Traffic sources: where a campaign's clicks come from (a network, a
// channel), for reports grouped by source.
import { html } from '../../lib/html.js';
import { post, put, del } from '../../lib/api.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Table, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { useCan, useAction, Editor } from '../common.js';

export default function Sources() {
	const sources = useFetch('/sources');
	const canWrite = useCan('campaigns:write');
	const act = useAction(sources.reload);
	const remove = s => confirmed(t('sources.deleteConfirm', { name: s.name })) && act.run(() => del('/sources/' + s.id));
	return html`<${Page} title=${t('nav.sources')}>
		${act.banner}
		<${Editor} title=${t('sources.list')} newLabel=${t('sources.new')} canWrite=${canWrite}
			form=${({ item, done }) => html`<${SourceForm} key=${item.id || 'new'} source=${item} onSaved=${() => { done(); sources.reload(); }} />`}
			list=${({ edit }) => html`<${Loaded} state=${sources}>${d => html`<${Table} empty=${t('sources.none')} rows=${d.items} columns=${[
				[t('field.name'), s => s.name],
				[t('created'), s => fmtTime(s.created_at)],
				['', s => canWrite && html`<button class="link" onClick=${() => edit(s)}>${t('edit')}</button>
					<button class="link danger" onClick=${() => remove(s)}>${t('remove')}</button>`],
			]} />`}<//>`} />
	<//>`;
}

function SourceForm({ source, onSaved }) {
	const form = useForm({ name: source.name || '' }, async v => {
		const body = { name: v.name.trim() };
		await (source.id ? put('/sources/' + source.id, body) : post('/sources', body));
		onSaved();
	});
	return html`<${Form} form=${form} submitLabel=${source.id ? t('save') : t('sources.create')} class="inline">
		<${Field} form=${form} name="name" label=${t('field.name')} required />
	<//>`;
}
