// Sign in to the cabinet.
import { html, useContext } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { Page } from '../../lib/ui.js';
import { LoginForm } from '../../lib/auth.js';
import { Session } from '../session.js';

export default function Login() {
	const { reload } = useContext(Session);
	return html`<${Page} title=${t('login.title')}>
		<${LoginForm} resetHref="/reset-password" onDone=${reload} />
		<p>${t('login.noAccount')} <a href="/signup">${t('signup.title')}</a></p>
	<//>`;
}
