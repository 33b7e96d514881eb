// Registration through a personal invite link: the only way in.
import { html, useContext, useEffect } from '../../lib/html.js';
import { useRoute } from 'preact-iso';
import { post } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { Page, Notice, Loaded, useFetch } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { Portal } from '../portal.js';

export default function Join() {
	const { params } = useRoute();
	const invite = useFetch('/auth/invites/' + encodeURIComponent(params.token));
	return html`<${Page} title=${t('portal.joinTitle')}>
		${invite.error ? html`<${Notice} kind="error">${t('portal.badInvite')}<//>`
			: html`<${Loaded} state=${invite}>${inv => html`<${JoinForm} token=${params.token} invite=${inv} />`}<//>`}
	<//>`;
}

function JoinForm({ token, invite }) {
	const { reload } = useContext(Portal);
	const form = useForm({ name: '', email: invite.email || '', password: '' }, async v => {
		await post('/auth/partner-signup', { invite_token: token, name: v.name.trim(), email: v.email.trim(), password: v.password });
		await reload();
	});
	useEffect(() => form.set('email', invite.email || ''), [invite.email]);
	form.shown.add('invite_token');
	return html`<p class="lead">${t('portal.joinIntro', { program: invite.program })}</p>
		${form.errors.invite_token && html`<${Notice} kind="error">${t('portal.badInvite')}<//>`}
		<${Form} form=${form} submitLabel=${t('portal.joinSubmit')}>
			<${Field} form=${form} name="name" label=${t('field.name')} autocomplete="name" required />
			<${Field} form=${form} name="email" type="email" label=${t('field.email')} autocomplete="username" readonly=${!!invite.email} required />
			<${Field} form=${form} name="password" type="password" label=${t('field.password')} autocomplete="new-password" hint=${t('password.rules')} required />
		<//>`;
}
