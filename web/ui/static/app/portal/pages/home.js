// The partner's home: the program, the partner's own profile and security.
import { html, useContext } from '../../lib/html.js';
import { t } from '../../lib/i18n.js';
import { Page, Card } from '../../lib/ui.js';
import { TwoFactor, PasswordChange } from '../../lib/account.js';
import { Portal } from '../portal.js';

export default function Home() {
	const { program, me, reload } = useContext(Portal);
	return html`<${Page} title=${t('portal.home')}>
		<p class="lead">${t('portal.welcome', { name: me.name || me.email, program: program.name })}</p>
		<div class="grid">
			<${Card} title=${t('portal.profile')}>
				<dl class="facts">
					<dt>${t('field.name')}</dt><dd data-testid="partner-name">${me.name}</dd>
					<dt>${t('field.email')}</dt><dd>${me.email}</dd>
					<dt>${t('portal.program')}</dt><dd>${program.name}</dd>
				</dl>
			<//>
			<${TwoFactor} enabled=${me.two_factor} onChange=${reload} />
			<${PasswordChange} />
		</div>
	<//>`;
}
