// Settings: the company name and the partner portal's brand (name, logo,
// colours) with a live preview, and the postback token.
import { html, useContext, useState } from '../../lib/html.js';
import { put, post } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { Page, Card, CopyField, Notice, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field, errorText } from '../../lib/forms.js';
import { Session } from '../session.js';

export default function Settings() {
	const tenant = useFetch('/tenant');
	return html`<${Page} title=${t('nav.settings')}>
		<${Loaded} state=${tenant}>${d => html`<${Branding} tenant=${d} />`}<//>
		<${PostbackToken} />
	<//>`;
}

function Branding({ tenant }) {
	const { reload } = useContext(Session);
	const [saved, setSaved] = useState(false);
	const b = tenant.branding || {};
	const form = useForm({
		name: tenant.name, 'branding.name': b.name || '', 'branding.logo_url': b.logo_url || '',
		'branding.primary_color': b.primary_color || '', 'branding.accent_color': b.accent_color || '',
	}, async v => {
		setSaved(false);
		await put('/tenant', { name: v.name, branding: {
			name: v['branding.name'].trim(), logo_url: v['branding.logo_url'].trim(),
			primary_color: v['branding.primary_color'].trim(), accent_color: v['branding.accent_color'].trim() } });
		setSaved(true);
		reload();
	});
	const v = form.values;
	return html`<div class="grid">
		<${Card} title=${t('settings.brand')}>
			${saved && html`<${Notice} kind="success">${t('saved')}<//>`}
			<${Form} form=${form} submitLabel=${t('save')}>
				<${Field} form=${form} name="name" label=${t('settings.company')} required />
				<${Field} form=${form} name="branding.name" label=${t('settings.brandName')} hint=${t('settings.brandNameHint')} />
				<${Field} form=${form} name="branding.logo_url" type="url" label=${t('settings.logo')} hint=${t('settings.logoHint')} />
				<${Field} form=${form} name="branding.primary_color" label=${t('settings.primary')} placeholder="#1a2b3c" />
				<${Field} form=${form} name="branding.accent_color" label=${t('settings.accent')} placeholder="#1a2b3c" />
			<//>
		<//>
		<${Card} title=${t('settings.preview')}>
			<${Preview} name=${v['branding.name'] || v.name} logo=${v['branding.logo_url']} primary=${v['branding.primary_color']} accent=${v['branding.accent_color']} />
			<${CopyField} label=${t('dash.portal')} name="portal_url" value=${location.origin + tenant.portal_path + '/'} />
		<//>
	</div>`;
}

const hex = c => (/^#[0-9a-fA-F]{6}$/.test(c) ? c : undefined);

// Preview draws the portal's header as partners will see it.
function Preview({ name, logo, primary, accent }) {
	return html`<div class="preview" style=${{ '--primary': hex(primary), '--accent': hex(accent) }} data-testid="brand-preview">
		<div class="portal-head">${logo && html`<img src=${logo} alt="" class="logo" />`}<strong>${name}</strong></div>
		<div class="preview-body"><button class="primary" type="button" tabindex="-1">${t('preview.button')}</button> <a href="#" tabindex="-1" onClick=${e => e.preventDefault()}>${t('preview.link')}</a></div>
	</div>`;
}

function PostbackToken() {
	const { me, reload } = useContext(Session);
	const [err, setErr] = useState('');
	const rotate = async () => {
		if (!confirmed(t('settings.rotateConfirm'))) return;
		try { await post('/tenant/postback-token/rotate'); await reload(); } catch (e) { setErr(errorText(e)); }
	};
	return html`<${Card} title=${t('settings.postback')}>
		<p class="muted">${t('settings.postbackAbout')}</p>
		${err && html`<${Notice} kind="error">${err}<//>`}
		<${CopyField} label=${t('dash.postback')} name="postback_url" value=${me.postback_url} />
		<button class="danger" onClick=${rotate}>${t('settings.rotate')}</button>
	<//>`;
}
