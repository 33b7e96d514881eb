// The partner portal of one program, at /p/{slug}/: white-label, so every
// name, logo and colour here is the program's (GET /api/v1/portal/{slug}).
// Adding a page: write pages/<name>.js, add a line to SECTIONS and its
// strings to both dictionaries in ../i18n/.
import { html, render, useState, useEffect, useContext } from '../lib/html.js';
import { LocationProvider, Router, Route, lazy, useLocation, ErrorBoundary } from 'preact-iso';
import { get, post, onUnauthorized } from '../lib/api.js';
import { t, onLang, lang } from '../lib/i18n.js';
import { Brand, LangSwitch, Redirect } from '../lib/ui.js';
import { Portal } from './portal.js';

// SECTIONS are the signed-in partner's pages, relative to /p/{slug}.
const SECTIONS = [
	{ path: '', label: 'portal.home', page: lazy(() => import('./pages/home.js')) },
	{ path: '/offers', label: 'portal.nav.offers', page: lazy(() => import('./pages/offers.js')) },
	{ path: '/links', label: 'portal.nav.links', page: lazy(() => import('./pages/links.js')) },
	{ path: '/stats', label: 'portal.nav.stats', page: lazy(() => import('./pages/stats.js')) },
	{ path: '/balance', label: 'portal.nav.balance', page: lazy(() => import('./pages/balance.js')) },
	{ path: '/payout-method', label: 'portal.nav.method', page: lazy(() => import('./pages/method.js')) },
	{ path: '/postbacks', label: 'portal.nav.postbacks', page: lazy(() => import('./pages/postbacks.js')) },
];

// PUBLIC are the pages before sign-in.
const PUBLIC = [
	{ path: '/login', page: lazy(() => import('./pages/login.js')) },
	{ path: '/join/:token', page: lazy(() => import('./pages/join.js')) },
	{ path: '/reset-password', page: lazy(() => import('./pages/reset.js')) },
];

// mount renders the portal into root.
export function mount(root) {
	render(html`<${App} slug=${decodeURIComponent(location.pathname.split('/')[2] || '')} />`, root);
}

function App({ slug }) {
	const [, rerender] = useState(0);
	const [program, setProgram] = useState(undefined); // null: no such program
	const [me, setMe] = useState(undefined); // null: signed out
	const reload = () => get('/me', { quiet401: true }).then(
		m => setMe(m.kind === 'partner' && m.program?.slug === slug ? m : null), () => setMe(null));
	useEffect(() => {
		get('/portal/' + encodeURIComponent(slug)).then(p => { applyTheme(p); setProgram(p); }, () => setProgram(null));
		reload();
		return onLang(() => rerender(n => n + 1));
	}, []);
	useEffect(() => onUnauthorized(() => setMe(null)), []);
	if (program === null) return html`<${Missing} />`;
	if (program === undefined || me === undefined) return html`<p class="muted boot">${t('loading')}</p>`;
	const base = '/p/' + encodeURIComponent(slug);
	const logout = async () => { await post('/auth/logout').catch(() => {}); setMe(null); };
	return html`<${Brand.Provider} value=${program.name}>
		<${Portal.Provider} value=${{ program, base, me, reload, logout }}>
			<${LocationProvider} scope=${base}>
				<${Frame}><${Routes} key=${lang()} /><//>
			<//>
		<//>
	<//>`;
}

// applyTheme puts the program's colours and logo on the page.
function applyTheme(p) {
	const b = p.branding || {};
	const root = document.documentElement.style;
	if (b.primary_color) root.setProperty('--primary', b.primary_color);
	if (b.accent_color) root.setProperty('--accent', b.accent_color);
	if (b.logo_url) document.querySelector('link[rel=icon]')?.setAttribute('href', b.logo_url);
	document.title = p.name;
}

// Routes renders the current page; App keys it by language so a switch
// re-renders every page in the new language.
function Routes() {
	const { me, base } = useContext(Portal);
	const { path } = useLocation();
	const rel = path.slice(base.length) || '';
	const isPublic = PUBLIC.some(p => rel === p.path || (p.path.includes(':') && rel.startsWith(p.path.split(':')[0])));
	if (!me && !isPublic) return html`<${Redirect} to=${base + '/login'} />`;
	if (me && (rel === '/login' || rel.startsWith('/join/'))) return html`<${Redirect} to=${base + '/'} />`;
	return html`<${ErrorBoundary}><${Router}>
		${[...(me ? SECTIONS : []), ...PUBLIC].map(p => html`<${Route} path=${base + p.path} component=${p.page} />`)}
		<${Route} default component=${NotFound} />
	<//><//>`;
}

function Frame({ children }) {
	const { program, base, me, logout } = useContext(Portal);
	const { path } = useLocation();
	const b = program.branding || {};
	const year = new Date().getFullYear();
	return html`<div class="portal">
		<header class="portal-head">
			<a class="brand" href=${base + '/'}>${b.logo_url && html`<img class="logo" src=${b.logo_url} alt="" />`}<span>${program.name}</span></a>
			<span class="spacer"></span>
			<${LangSwitch} />
			${me && html`<span class="who">${me.name || me.email}</span><button class="link" onClick=${logout}>${t('nav.logout')}</button>`}
		</header>
		${me && SECTIONS.length > 1 && html`<nav class="portal-nav" aria-label=${t('nav.main')}>
			${SECTIONS.map(s => { const on = path === base + s.path || (!s.path && path === base + '/');
				return html`<a href=${base + s.path} class=${on ? 'active' : ''} aria-current=${on ? 'page' : undefined}>${t(s.label)}</a>`; })}</nav>`}
		<main class="portal-main">${children}</main>
		<footer class="portal-foot">© ${year} ${program.name}</footer>
	</div>`;
}

function NotFound() {
	const { base } = useContext(Portal);
	return html`<section class="page"><h1>${t('notFound.title')}</h1><p>${t('notFound.text')}</p><p><a href=${base + '/'}>${t('notFound.home')}</a></p></section>`;
}

// Missing answers a portal address that names no program, with no brand at all.
function Missing() {
	useEffect(() => { document.title = t('notFound.title'); }, []);
	return html`<main class="portal-main"><section class="page"><h1>${t('notFound.title')}</h1><p>${t('portal.missing')}</p></section></main>`;
}
