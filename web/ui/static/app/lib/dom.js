// Browser globals the app wraps: localStorage may be unavailable (private
// windows, blocked storage), which must never break a page.
export const document = globalThis.document;
export const storage = {
	get: key => { try { return localStorage.getItem(key); } catch { return null; } },
	set: (key, value) => { try { localStorage.setItem(key, value); } catch { /* storage blocked */ } },
};
