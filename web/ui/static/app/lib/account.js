// The caller's own account, shared by the cabinet and the partner portal:
// two-factor authentication and password change.
import { html, useState } from './html.js';
import { post } from './api.js';
import { t } from './i18n.js';
import { useForm, Form, Field } from './forms.js';
import { Card, Notice } from './ui.js';

// TwoFactor sets up (QR code, then a code from the app, then backup codes
// shown once) or turns off TOTP two-factor authentication.
export function TwoFactor({ enabled, onChange }) {
	const [setup, setSetup] = useState(null);
	const [codes, setCodes] = useState(null);
	const start = useForm({}, async () => setSetup(await post('/me/2fa/setup')));
	const enable = useForm({ code: '' }, async v => {
		const res = await post('/me/2fa/enable', { code: v.code.trim() });
		setSetup(null);
		setCodes(res.backup_codes);
	});
	const disable = useForm({ code: '' }, async v => {
		await post('/me/2fa/disable', { code: v.code.trim() });
		disable.reset();
		onChange();
	});
	if (codes) {
		return html`<${Card} title=${t('twofa.title')} class="twofa">
			<${Notice} kind="success">${t('twofa.enabled')}<//>
			<p>${t('twofa.backupIntro')}</p>
			<ul class="codes" data-testid="backup-codes">${codes.map(c => html`<li><code>${c}</code></li>`)}</ul>
			<button class="primary" onClick=${() => { setCodes(null); onChange(); }}>${t('twofa.saved')}</button>
		<//>`;
	}
	if (enabled) {
		return html`<${Card} title=${t('twofa.title')} class="twofa">
			<p><strong>${t('twofa.on')}</strong></p>
			<${Form} form=${disable} submitLabel=${t('twofa.disable')}>
				<${Field} form=${disable} name="code" label=${t('twofa.codeOrBackup')} autocomplete="one-time-code" />
			<//>
		<//>`;
	}
	if (setup) {
		return html`<${Card} title=${t('twofa.title')} class="twofa">
			<p>${t('twofa.scan')}</p>
			<img class="qr" src=${setup.qr_code} alt=${t('twofa.qrAlt')} width="200" height="200" />
			<p class="muted">${t('twofa.manual')} <code data-testid="totp-secret">${setup.secret}</code></p>
			<${Form} form=${enable} submitLabel=${t('twofa.enable')}>
				<${Field} form=${enable} name="code" label=${t('twofa.code')} inputmode="numeric" autocomplete="one-time-code" />
			<//>
		<//>`;
	}
	return html`<${Card} title=${t('twofa.title')} class="twofa">
		<p>${t('twofa.off')}</p>
		<${Form} form=${start} submitLabel=${t('twofa.setup')} />
	<//>`;
}

// PasswordChange changes the caller's password; other sessions end.
export function PasswordChange() {
	const [done, setDone] = useState(false);
	const form = useForm({ current_password: '', new_password: '' }, async v => {
		await post('/auth/password', v);
		form.reset();
		setDone(true);
	});
	return html`<${Card} title=${t('password.change')}>
		${done && html`<${Notice} kind="success">${t('password.changed')}<//>`}
		<${Form} form=${form} submitLabel=${t('password.change')}>
			<${Field} form=${form} name="current_password" type="password" label=${t('password.current')} autocomplete="current-password" />
			<${Field} form=${form} name="new_password" type="password" label=${t('password.new')} autocomplete="new-password" hint=${t('password.rules')} />
		<//>
	<//>`;
}
