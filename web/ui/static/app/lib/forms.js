// Forms bound to API calls. useForm keeps values, runs submit, and spreads a
// failed call's problem+json over the form: each errors[].field shows under
// the input of that name; anything no input shows goes to the form's banner.
import { html, useState, useId } from './html.js';
import { ApiError } from './api.js';
import { t } from './i18n.js';

// useForm returns the form state; onSubmit(values) performs the API call.
export function useForm(initial, onSubmit) {
	const [values, setValues] = useState(initial);
	const [errors, setErrors] = useState({});
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const shown = new Set();
	const form = {
		values, errors, error, busy, shown,
		set: (name, v) => setValues(vs => ({ ...vs, [name]: v })),
		reset: (vs = initial) => { setValues(vs); setErrors({}); setError(''); },
		submit: async e => {
			if (e) e.preventDefault();
			setBusy(true); setErrors({}); setError('');
			try {
				await onSubmit(values);
			} catch (err) {
				setErrors(err.fields || {});
				setError(bannerFor(err, form.shown));
			} finally {
				setBusy(false);
			}
		},
	};
	return form;
}

// bannerFor is the form-level message for err: the API's detail, unless
// every field error is already shown beside its input.
function bannerFor(err, shown) {
	if (!(err instanceof ApiError)) return String(err.message || err);
	const fields = Object.keys(err.fields);
	if (fields.length && fields.every(f => shown.has(f))) return t('form.fix');
	return errorText(err);
}

// errorText is a user-facing sentence for a failed call.
export function errorText(err) {
	if (!(err instanceof ApiError)) return String(err.message || err);
	if (err.status === 0) return t('error.network');
	if (err.status === 429) return t('error.rateLimited');
	if (err.status >= 500) return t('error.server');
	return err.message;
}

// Form renders a <form> with a banner for errors not shown at a field.
export function Form({ form, children, submitLabel, class: cls = '' }) {
	return html`<form class=${'form ' + cls} onSubmit=${form.submit} novalidate>
		${form.error && html`<div class="banner error" role="alert">${form.error}</div>`}
		${children}
		${submitLabel && html`<div class="actions"><button type="submit" class="primary" disabled=${form.busy}>${submitLabel}</button></div>`}
	</form>`;
}

// Field is a labelled input bound to form.values[name], showing the API's
// message for that field. type "select" takes options [[value, label]];
// type "checkbox" binds a boolean.
export function Field({ form, name, label, type = 'text', options, hint, ...rest }) {
	const id = useId();
	form.shown.add(name);
	const err = form.errors[name];
	const value = form.values[name];
	const onInput = e => form.set(name, type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value);
	const common = { id, name, 'aria-invalid': err ? 'true' : undefined, 'aria-describedby': err ? id + '-err' : undefined, ...rest };
	let input;
	if (type === 'select') {
		input = html`<select ...${common} value=${value} onChange=${onInput}>
			${options.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select>`;
	} else if (type === 'checkbox') {
		input = html`<input type="checkbox" ...${common} checked=${!!value} onChange=${onInput} />`;
	} else if (type === 'textarea') {
		input = html`<textarea ...${common} value=${value ?? ''} onInput=${onInput}></textarea>`;
	} else {
		input = html`<input type=${type} ...${common} value=${value ?? ''} onInput=${onInput} />`;
	}
	return html`<div class=${'field' + (type === 'checkbox' ? ' check' : '') + (err ? ' invalid' : '')}>
		${type === 'checkbox' ? html`<label for=${id}>${input} ${label}</label>` : html`<label for=${id}>${label}</label>${input}`}
		${hint && html`<small class="hint">${hint}</small>`}
		${err && html`<small class="field-error" id=${id + '-err'}>${err}</small>`}
	</div>`;
}
