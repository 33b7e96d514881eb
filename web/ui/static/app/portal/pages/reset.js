// Partner password reset: ask for a link, or set a new password with one.
import { html, useContext } from '../../lib/html.js';
import { useLocation } from 'preact-iso';
import { t } from '../../lib/i18n.js';
import { Page } from '../../lib/ui.js';
import { ResetRequest, ResetConfirm } from '../../lib/auth.js';
import { Portal } from '../portal.js';

export default function Reset() {
	const { program, base } = useContext(Portal);
	const { query } = useLocation();
	return html`<${Page} title=${t('reset.title')}>
		${query.token ? html`<${ResetConfirm} token=${query.token} loginHref=${base + '/login'} />` : html`<${ResetRequest} tenant=${program.slug} />`}
		<p><a href=${base + '/login'}>${t('login.title')}</a></p>
	<//>`;
}
