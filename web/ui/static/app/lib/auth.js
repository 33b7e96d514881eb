// Sign-in forms shared by the cabinet and the partner portal: login with the
// second (2FA) step, and the two halves of a password reset. A partner
// portal passes tenant (its slug) so the partner identity of that program
// is used.
import { html, useState } from './html.js';
import { post } from './api.js';
import { t } from './i18n.js';
import { useForm, Form, Field } from './forms.js';
import { Notice } from './ui.js';

// LoginForm asks for email and password, then for a 2FA code when the
// account has 2FA on; onDone(answer) runs after a successful login.
export function LoginForm({ tenant, onDone, resetHref }) {
	const [mfa, setMfa] = useState(false);
	const form = useForm({ email: '', password: '', totp_code: '' }, async v => {
		const body = { email: v.email.trim(), password: v.password };
		if (tenant) body.tenant = tenant;
		if (mfa) body.totp_code = v.totp_code.trim();
		const res = await post('/auth/login', body);
		if (res.mfa_required) return setMfa(true);
		await onDone(res);
	});
	return html`<${Form} form=${form} submitLabel=${mfa ? t('login.verify') : t('login.submit')} class="login">
		${!mfa && html`
			<${Field} form=${form} name="email" type="email" label=${t('field.email')} autocomplete="username" required />
			<${Field} form=${form} name="password" type="password" label=${t('field.password')} autocomplete="current-password" required />`}
		${mfa && html`
			<p>${t('login.mfa')}</p>
			<${Field} form=${form} name="totp_code" label=${t('twofa.codeOrBackup')} inputmode="numeric" autocomplete="one-time-code" autofocus />`}
		${resetHref && html`<p class="small"><a href=${resetHref}>${t('login.forgot')}</a></p>`}
	<//>`;
}

// ResetRequest emails a reset link when the account exists.
export function ResetRequest({ tenant }) {
	const [sent, setSent] = useState(false);
	const form = useForm({ email: '' }, async v => {
		const body = { email: v.email.trim() };
		if (tenant) body.tenant = tenant;
		await post('/auth/password-reset', body);
		setSent(true);
	});
	if (sent) return html`<${Notice} kind="success">${t('reset.sent')}<//>`;
	return html`<${Form} form=${form} submitLabel=${t('reset.send')}>
		<p>${t('reset.intro')}</p>
		<${Field} form=${form} name="email" type="email" label=${t('field.email')} autocomplete="username" required />
	<//>`;
}

// ResetConfirm sets a new password with the emailed token.
export function ResetConfirm({ token, loginHref }) {
	const [done, setDone] = useState(false);
	const form = useForm({ password: '' }, async v => {
		await post('/auth/password-reset/confirm', { token, password: v.password });
		setDone(true);
	});
	form.shown.add('token'); // shown as the notice below
	if (done) return html`<${Notice} kind="success">${t('reset.done')} <a href=${loginHref}>${t('login.submit')}</a><//>`;
	return html`<${Form} form=${form} submitLabel=${t('reset.set')}>
		<${Field} form=${form} name="password" type="password" label=${t('password.new')} autocomplete="new-password" hint=${t('password.rules')} required />
		${form.errors.token && html`<${Notice} kind="error">${t('reset.badLink')}<//>`}
	<//>`;
}
