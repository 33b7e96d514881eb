// Partner sign-in to this program.
import { html, useContext } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { Page } from '../../lib/ui.js';
import { LoginForm } from '../../lib/auth.js';
import { Portal } from '../portal.js';

export default function Login() {
	const { program, base, reload } = useContext(Portal);
	return html`<${Page} title=${t('login.title')}>
		<p class="lead">${t('portal.loginIntro', { program: program.name })}</p>
		<${LoginForm} tenant=${program.slug} resetHref=${base + '/reset-password'} onDone=${reload} />
		<p class="muted small">${t('portal.inviteOnly')}</p>
	<//>`;
}
