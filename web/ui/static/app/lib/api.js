// The JSON API client: the only way the app reaches data. The browser's
// HttpOnly session cookie authenticates each call; errors arrive as RFC 9457
// problem+json and become ApiError, with field errors keyed by field name.

// ApiError is a failed API call.
export class ApiError extends Error {
	constructor(status, problem) {
		super(problem.detail || problem.title || `HTTP ${status}`);
		this.status = status;
		this.problem = problem;
		this.fields = {};
		for (const e of problem.errors || []) this.fields[e.field] = e.message;
	}
}

const unauthorized = new Set();

// onUnauthorized registers fn to run when an authenticated call answers 401
// (the session ended); it returns the unsubscribe function.
export function onUnauthorized(fn) {
	unauthorized.add(fn);
	return () => unauthorized.delete(fn);
}

// api calls METHOD /api/v1{path} with an optional JSON body.
export async function api(method, path, body, { quiet401 = false } = {}) {
	const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
	if (body !== undefined) {
		init.headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body);
	}
	let res;
	try {
		res = await fetch('/api/v1' + path, init);
	} catch {
		throw new ApiError(0, { title: 'network' });
	}
	if (res.status === 204) return null;
	const data = await res.json().catch(() => null);
	if (res.ok) return data;
	// A 401 means the session ended, except for a login's wrong password.
	if (res.status === 401 && !quiet401 && path !== '/auth/login') unauthorized.forEach(fn => fn());
	throw new ApiError(res.status, data || { title: res.statusText });
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body = {}) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = path => api('DELETE', path);
