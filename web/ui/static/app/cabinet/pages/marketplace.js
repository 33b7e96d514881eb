// Marketplace: the plugins this tenant may install (platform and its own
// uploads) and its installations — install or reconfigure with a form
// generated from the plugin's config schema, write-only secrets, enable,
// disable, upgrade, roll back, uninstall, and each one's recent log.
import { html, useState } from '../../lib/html.js';
import { post, del, ApiError } from '../../lib/api.js';
import { t, fmtTime } from '../../lib/i18n.js';
import { Page, Card, Table, Notice, Badge, Loaded, useFetch, confirmed } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { useCan, useAction } from '../common.js';
import { SchemaFields, SecretFields, schemaValues, schemaConfig, missingFields } from '../schemaform.js';

export default function Marketplace() {
	const market = useFetch('/marketplace');
	const installed = useFetch('/plugins/installed');
	const canWrite = useCan('plugins:write');
	const [editing, setEditing] = useState(null); // {listing, installation?}
	const reload = () => { market.reload(); installed.reload(); };
	const listing = id => market.data?.items.find(l => l.id === id);
	return html`<${Page} title=${t('nav.marketplace')}>
		${editing && html`<${InstallForm} key=${editing.listing.id} ...${editing}
			onDone=${() => { setEditing(null); reload(); }} onCancel=${() => setEditing(null)} />`}
		<${Card} title=${t('plugins.installed')}>
			<${Loaded} state=${installed}>${d => (d.items.length
				? d.items.map(i => html`<${Installation} key=${i.id} inst=${i} listing=${listing(i.id)} canWrite=${canWrite}
					onChanged=${reload} onConfigure=${() => setEditing({ listing: listing(i.id), installation: i })} />`)
				: html`<p class="muted empty">${t('plugins.noneInstalled')}</p>`)}<//>
		<//>
		<${Card} title=${t('plugins.browse')}>
			<${Loaded} state=${market}>${d => html`<div class="plugins">${d.items.map(l => html`<${Listing} key=${l.id} listing=${l}
				installed=${installed.data?.items.some(i => i.id === l.id)} canWrite=${canWrite}
				onInstall=${() => setEditing({ listing: l, installation: installed.data?.items.find(i => i.id === l.id) })} />`)}
				${!d.items.length && html`<p class="muted empty">${t('plugins.noneAvailable')}</p>`}</div>`}<//>
		<//>
		${canWrite && html`<${Upload} onUploaded=${reload} />`}
	<//>`;
}

// Listing is one marketplace entry.
function Listing({ listing: l, installed, canWrite, onInstall }) {
	return html`<article class="plugin" data-plugin=${l.id}>
		<header><h3>${l.name}</h3> <span class="muted">${l.version}</span>
			${l.signed ? html`<${Badge} kind="ok">${t('plugins.signed')}<//>` : html`<${Badge} kind="warn">${t('plugins.unsigned')}<//>`}
			${l.private && html`<${Badge}>${t('plugins.private')}<//>`}</header>
		<p class="muted small">${t('plugins.by', { publisher: l.publisher })} · <code>${l.id}</code></p>
		<p>${l.description}</p>
		<p class="small">${t('plugins.hooks')}: ${l.hooks.map(h => html`<code>${h}</code> `)}</p>
		${l.allowed_hosts.length > 0 && html`<p class="small">${t('plugins.hosts')}: ${l.allowed_hosts.join(', ')}</p>`}
		${canWrite && html`<button class=${installed ? '' : 'primary'} name="install" onClick=${onInstall}>${installed ? t('plugins.configure') : t('plugins.install')}</button>`}
	</article>`;
}

// InstallForm installs a plugin or reconfigures its installation.
function InstallForm({ listing, installation, onDone, onCancel }) {
	const schema = listing.config_schema;
	const secretInit = Object.fromEntries(listing.secrets.map(n => ['secrets.' + n, '']));
	const form = useForm({ version: installation?.version || listing.version, ...schemaValues(schema, installation?.config || {}), ...secretInit }, async v => {
		const secrets = {};
		for (const n of listing.secrets) if (v['secrets.' + n]) secrets[n] = v['secrets.' + n];
		try {
			await post(`/plugins/${encodeURIComponent(listing.id)}/install`, { version: v.version, config: schemaConfig(schema, v), secrets });
		} catch (e) {
			if (e instanceof ApiError) e.fields = missingFields(e.fields, schema);
			throw e;
		}
		onDone();
	});
	return html`<${Card} title=${t(installation ? 'plugins.configureTitle' : 'plugins.installTitle', { name: listing.name })} class="install-form">
		<${Form} form=${form} submitLabel=${installation ? t('save') : t('plugins.install')}>
			${listing.versions.length > 1 && html`<${Field} form=${form} name="version" type="select" label=${t('plugins.version')}
				options=${listing.versions.map(x => [x, x])} />`}
			<${SchemaFields} form=${form} schema=${schema} />
			<${SecretFields} form=${form} names=${listing.secrets} stored=${installation?.secrets} />
		<//>
		<p><button type="button" class="link" onClick=${onCancel}>${t('cancel')}</button></p>
	<//>`;
}

// Installation is one installed plugin with its actions and log.
function Installation({ inst, listing, canWrite, onChanged, onConfigure }) {
	const [logs, setLogs] = useState(false);
	const act = useAction(onChanged);
	const id = encodeURIComponent(inst.id);
	const upgradable = listing && listing.version !== inst.version;
	return html`<article class="installation" data-plugin=${inst.id}>
		<header><h3>${inst.name}</h3> <span class="muted">${inst.version}</span>
			${inst.enabled ? html`<${Badge} kind="ok">${t('plugins.enabled')}<//>` : html`<${Badge} kind="warn">${t('plugins.disabled')}<//>`}
			${inst.signed ? html`<${Badge} kind="ok">${t('plugins.signed')}<//>` : html`<${Badge} kind="warn">${t('plugins.unsigned')}<//>`}</header>
		<p class="small muted">${t('plugins.hooks')}: ${inst.hooks.join(', ')} · ${t('plugins.updated', { time: fmtTime(inst.updated_at) })}</p>
		<details class="small"><summary>${t('plugins.config')}</summary><pre>${JSON.stringify(inst.config, null, 1)}</pre>
			${inst.secrets.length > 0 && html`<p>${t('plugins.secretsSet', { names: inst.secrets.join(', ') })}</p>`}</details>
		${act.banner}
		${canWrite && html`<div class="actions wrap">
			${listing && html`<button name="configure" onClick=${onConfigure}>${t('plugins.configure')}</button>`}
			<button name=${inst.enabled ? 'disable' : 'enable'} disabled=${act.busy}
				onClick=${() => act.run(() => post(`/plugins/${id}/${inst.enabled ? 'disable' : 'enable'}`))}>${inst.enabled ? t('plugins.disable') : t('plugins.enable')}</button>
			${upgradable && html`<button name="upgrade" disabled=${act.busy} onClick=${() => act.run(() => post(`/plugins/${id}/upgrade`, { version: listing.version }))}>${t('plugins.upgrade', { version: listing.version })}</button>`}
			${inst.previous_version && html`<button name="rollback" disabled=${act.busy} onClick=${() => act.run(() => post(`/plugins/${id}/rollback`))}>${t('plugins.rollback', { version: inst.previous_version })}</button>`}
			<button class="danger" name="uninstall" disabled=${act.busy} onClick=${() => confirmed(t('plugins.uninstallConfirm', { name: inst.name })) && act.run(() => del(`/plugins/${id}`))}>${t('plugins.uninstall')}</button>
		</div>`}
		<button class="link" name="logs" aria-expanded=${logs} onClick=${() => setLogs(!logs)}>${logs ? t('plugins.hideLog') : t('plugins.showLog')}</button>
		${logs && html`<${Logs} id=${inst.id} />`}
	</article>`;
}

const LEVELS = { '-4': 'debug', 0: 'info', 4: 'warn', 8: 'error' };

// Logs shows an installation's recent log lines, optionally errors only.
function Logs({ id }) {
	const [errorsOnly, setErrorsOnly] = useState(false);
	const logs = useFetch(`/plugins/${encodeURIComponent(id)}/logs${errorsOnly ? '?errors=1' : ''}`);
	return html`<div class="plugin-log">
		<div class="filters"><label class="check"><input type="checkbox" name="errors_only" checked=${errorsOnly}
			onChange=${e => setErrorsOnly(e.currentTarget.checked)} /> ${t('plugins.errorsOnly')}</label>
			<button type="button" class="link" onClick=${logs.reload}>${t('perf.refresh')}</button></div>
		<${Loaded} state=${logs}>${d => html`<${Table} empty=${t('plugins.noLog')} rows=${[...d.items].reverse()} rowKey=${e => e.time + e.message}
			columns=${[
				[t('conv.time'), e => fmtTime(e.time)],
				[t('plugins.level'), e => html`<${Badge} kind=${e.level >= 8 ? 'bad' : e.level >= 4 ? 'warn' : ''}>${LEVELS[e.level] || e.level}<//>`],
				[t('plugins.hook'), e => e.hook || (e.host ? t('plugins.hostLine') : '—')],
				[t('pb.message'), e => e.message],
			]} />`}<//>
	</div>`;
}

// Upload sends an agency plugin bundle (.affplug), private to this tenant.
function Upload({ onUploaded }) {
	const [file, setFile] = useState(null);
	const [done, setDone] = useState('');
	const act = useAction(onUploaded);
	const send = e => {
		e.preventDefault();
		if (!file) return;
		setDone('');
		act.run(async () => {
			const res = await fetch('/api/v1/plugins', { method: 'POST', credentials: 'same-origin', body: file,
				headers: { Accept: 'application/json', 'Content-Type': 'application/octet-stream' } });
			const data = await res.json().catch(() => ({ title: res.statusText }));
			if (!res.ok) throw new ApiError(res.status, data);
			setDone(t('plugins.uploaded', { name: data.name, version: data.version }));
		});
	};
	return html`<${Card} title=${t('plugins.upload')}>
		<p class="muted">${t('plugins.uploadAbout')}</p>
		${done && html`<${Notice} kind="success">${done}<//>`}
		${act.banner}
		<form class="form inline" onSubmit=${send}>
			<div class="field"><label for="bundle">${t('plugins.bundle')}</label>
				<input id="bundle" type="file" name="bundle" accept=".affplug" onChange=${e => setFile(e.currentTarget.files[0] || null)} /></div>
			<div class="actions"><button type="submit" class="primary" disabled=${!file || act.busy}>${t('plugins.uploadButton')}</button></div>
		</form>
	<//>`;
}
