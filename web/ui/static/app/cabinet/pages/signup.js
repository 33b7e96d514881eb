// Advertiser sign-up: company, account, and a plan to try for 30 days.
import { html, useContext } from '../../lib/html.js';
import { post } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { Page } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { Session } from '../session.js';

const PLANS = ['starter', 'professional', 'enterprise'];

export default function Signup() {
	const { reload } = useContext(Session);
	const form = useForm({ company: '', email: '', password: '', plan: 'professional' }, async v => {
		await post('/auth/signup', { company: v.company.trim(), email: v.email.trim(), password: v.password, plan: v.plan });
		await reload();
	});
	form.shown.add('plan');
	return html`<${Page} title=${t('signup.title')}>
		<p class="lead">${t('signup.trial')}</p>
		<${Form} form=${form} submitLabel=${t('signup.submit')}>
			<${Field} form=${form} name="company" label=${t('field.company')} autocomplete="organization" required />
			<${Field} form=${form} name="email" type="email" label=${t('field.email')} autocomplete="username" required />
			<${Field} form=${form} name="password" type="password" label=${t('field.password')} autocomplete="new-password" hint=${t('password.rules')} required />
			<fieldset class="plans">
				<legend>${t('signup.plan')}</legend>
				${PLANS.map(p => html`<label class=${'plan' + (form.values.plan === p ? ' chosen' : '')}>
					<input type="radio" name="plan" value=${p} checked=${form.values.plan === p} onChange=${() => form.set('plan', p)} />
					<strong>${t('plan.' + p)}</strong><small>${t('plan.' + p + '.about')}</small>
				</label>`)}
				${form.errors.plan && html`<small class="field-error">${form.errors.plan}</small>`}
			</fieldset>
		<//>
		<p>${t('signup.haveAccount')} <a href="/login">${t('login.title')}</a></p>
	<//>`;
}
