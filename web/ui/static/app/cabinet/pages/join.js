// Accepting a team invitation (?token= from the emailed link).
import { html, useContext } from '../../lib/html.js';
import { useLocation } from 'preact-iso';
import { post } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { Page, Notice } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { Session } from '../session.js';

export default function Join() {
	const { reload } = useContext(Session);
	const { query, route } = useLocation();
	const form = useForm({ name: '', password: '' }, async v => {
		await post('/auth/team-accept', { token: query.token || '', name: v.name.trim(), password: v.password });
		await reload();
		route('/app', true);
	});
	form.shown.add('token');
	return html`<${Page} title=${t('join.title')}>
		<p>${t('join.intro')}</p>
		${form.errors.token && html`<${Notice} kind="error">${t('join.badLink')}<//>`}
		<${Form} form=${form} submitLabel=${t('join.submit')}>
			<${Field} form=${form} name="name" label=${t('field.name')} autocomplete="name" required />
			<${Field} form=${form} name="password" type="password" label=${t('field.password')} autocomplete="new-password" hint=${t('password.rules')} required />
		<//>
	<//>`;
}
