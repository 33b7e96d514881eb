// useOptional loads a resource that may not exist yet (a payout method or
// a postback before the partner sets one): 404 is not an error but
// { value: null }; the answer otherwise is { value }.
import { useState, useEffect, useCallback } from '../lib/html.js';
import { get } from '../lib/api.js';

export function useOptional(path) {
	const [state, setState] = useState({ data: null, error: null, loading: true });
	const load = useCallback(() => {
		setState(s => ({ ...s, loading: true }));
		get(path).then(value => setState({ data: { value }, error: null, loading: false }),
			error => setState(error.status === 404 ? { data: { value: null }, error: null, loading: false } : { data: null, error, loading: false }));
	}, [path]);
	useEffect(load, [load]);
	return { ...state, reload: load };
}
