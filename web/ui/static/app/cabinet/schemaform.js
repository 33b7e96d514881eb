// Forms generated from a plugin's config JSON Schema: one input per
// top-level property (string, number, integer, boolean, enum, arrays of
// those as a comma-separated list, anything else as JSON), titles as labels,
// defaults as initial values, required ones marked. Values live in the form
// under "config.<name>", the field names the API uses for schema errors, so
// its problem+json errors appear at the generated inputs.
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { Field } from '../lib/forms.js';
import { splitList } from './common.js';

const props = schema => Object.entries(schema?.properties || {});
const kind = p => (Array.isArray(p.enum) ? 'enum' : Array.isArray(p.type) ? p.type.find(x => x !== 'null') : p.type);

// schemaValues are the form's initial values: config's, else the defaults.
export function schemaValues(schema, config = {}) {
	const out = {};
	for (const [name, p] of props(schema)) {
		const v = config[name] !== undefined ? config[name] : p.default;
		const k = kind(p);
		if (k === 'boolean') out['config.' + name] = !!v;
		else if (v === undefined || v === null) out['config.' + name] = '';
		else if (k === 'array') out['config.' + name] = Array.isArray(v) ? v.join(', ') : String(v);
		else if (k === 'object') out['config.' + name] = JSON.stringify(v, null, 1);
		else out['config.' + name] = String(v);
	}
	return out;
}

// schemaConfig turns the form's values into the config object; an empty
// optional input is left out so the plugin's default applies. A value that
// does not parse is sent as typed: the API names it in its answer.
export function schemaConfig(schema, values) {
	const config = {};
	const required = schema?.required || [];
	for (const [name, p] of props(schema)) {
		const raw = values['config.' + name];
		const k = kind(p);
		if (k === 'boolean') { config[name] = !!raw; continue; }
		if (raw === '' || raw === undefined) {
			if (required.includes(name) && k === 'string') config[name] = '';
			continue;
		}
		config[name] = parse(k, p, raw);
	}
	return config;
}

function parse(k, p, raw) {
	const num = s => (s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : s);
	switch (k) {
	case 'number': case 'integer': return num(raw);
	case 'array': {
		const ik = kind(p.items || {});
		return splitList(raw).map(x => (ik === 'number' || ik === 'integer' ? num(x) : x));
	}
	case 'object': try { return JSON.parse(raw); } catch { return raw; }
	case 'enum': return p.enum.find(e => String(e) === raw) ?? raw;
	default: return raw;
	}
}

// missingFields moves a "missing property" error the API reports on the
// whole config onto the inputs it names.
export function missingFields(errors, schema) {
	const msg = errors.config;
	if (!msg) return errors;
	const out = { ...errors };
	for (const [name] of props(schema)) {
		if (new RegExp(`['"]${name}['"]`).test(msg) && /missing/i.test(msg)) out['config.' + name] = t('plugins.requiredField');
	}
	return out;
}

// SchemaFields renders the inputs of schema bound to form.
export function SchemaFields({ form, schema }) {
	const required = schema?.required || [];
	const fields = props(schema);
	if (!fields.length) return html`<p class="muted">${t('plugins.noConfig')}</p>`;
	return fields.map(([name, p]) => {
		const k = kind(p);
		const label = (p.title || name) + (required.includes(name) ? ' *' : '');
		const common = { form, name: 'config.' + name, label, key: name, 'data-schema-type': k };
		const hint = [p.description, hintFor(k, p)].filter(Boolean).join(' ');
		if (k === 'boolean') return html`<${Field} ...${common} type="checkbox" hint=${p.description} />`;
		if (k === 'enum') {
			const opts = p.enum.map(e => [String(e), String(e)]);
			return html`<${Field} ...${common} type="select" hint=${p.description}
				options=${required.includes(name) ? opts : [['', t('plugins.default')], ...opts]} />`;
		}
		if (k === 'number' || k === 'integer') {
			return html`<${Field} ...${common} type="number" step=${k === 'integer' ? '1' : 'any'} min=${p.minimum} max=${p.maximum} hint=${hint}
				placeholder=${p.default !== undefined ? String(p.default) : ''} />`;
		}
		if (k === 'object') return html`<${Field} ...${common} type="textarea" hint=${hint} />`;
		return html`<${Field} ...${common} hint=${hint} placeholder=${p.default !== undefined ? String(p.default) : ''} />`;
	});
}

function hintFor(k, p) {
	if (k === 'array') return t('plugins.listHint');
	if (k === 'object') return t('plugins.jsonHint');
	if (k !== 'number' && k !== 'integer') return '';
	const lo = p.minimum !== undefined, hi = p.maximum !== undefined;
	if (lo && hi) return t('plugins.range', { min: p.minimum, max: p.maximum });
	if (lo) return t('plugins.min', { min: p.minimum });
	return hi ? t('plugins.max', { max: p.maximum }) : '';
}

// SecretFields renders write-only inputs for the plugin's secrets: what is
// stored is never shown, an empty input keeps it.
export function SecretFields({ form, names, stored = [] }) {
	if (!names?.length) return null;
	return html`<fieldset class="secrets"><legend>${t('plugins.secrets')}</legend>
		${names.map(n => html`<${Field} key=${n} form=${form} name=${'secrets.' + n} type="password" label=${n} autocomplete="off"
			hint=${stored.includes(n) ? t('plugins.secretStored') : t('plugins.secretEmpty')} />`)}
	</fieldset>`;
}
