// Security: the caller's 2FA and password; for admins, requiring 2FA of
// every member.
import { html, useContext, useState } from '../../lib/html.js';
import { put } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { Page, Card, Notice } from '../../lib/ui.js';
import { errorText } from '../../lib/forms.js';
import { TwoFactor, PasswordChange } from '../../lib/account.js';
import { Session } from '../session.js';

export default function Security() {
	const { me, reload } = useContext(Session);
	return html`<${Page} title=${t('nav.security')}>
		${me.mfa_setup_required && html`<${Notice} kind="warn">${t('security.required')}<//>`}
		<div class="grid">
			<${TwoFactor} enabled=${me.two_factor} onChange=${reload} />
			${!me.mfa_setup_required && html`<${PasswordChange} />`}
			${me.scopes.includes('settings:write') && html`<${Require2FA} me=${me} reload=${reload} />`}
		</div>
	<//>`;
}

function Require2FA({ me, reload }) {
	const [err, setErr] = useState('');
	const on = me.tenant.require_2fa;
	const toggle = async () => {
		setErr('');
		try { await put('/tenant', { require_2fa: !on }); await reload(); } catch (e) { setErr(errorText(e)); }
	};
	return html`<${Card} title=${t('security.requireTitle')}>
		<p>${on ? t('security.requireOn') : t('security.requireOff')}</p>
		${err && html`<${Notice} kind="error">${err}<//>`}
		<button class=${on ? '' : 'primary'} name="require_2fa" onClick=${toggle}>${on ? t('security.requireDisable') : t('security.requireEnable')}</button>
	<//>`;
}
