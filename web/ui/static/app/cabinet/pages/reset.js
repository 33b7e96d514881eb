// Password reset: ask for a link, or set a new password with one (?token=).
import { html } from '../../lib/html.js';
import { useLocation } from 'preact-iso';
import { t } from '../../lib/i18n.js';
import { Page } from '../../lib/ui.js';
import { ResetRequest, ResetConfirm } from '../../lib/auth.js';

export default function Reset() {
	const { query } = useLocation();
	return html`<${Page} title=${t('reset.title')}>
		${query.token ? html`<${ResetConfirm} token=${query.token} loginHref="/login" />` : html`<${ResetRequest} />`}
		<p><a href="/login">${t('login.title')}</a></p>
	<//>`;
}
