// The advertiser cabinet: public sign-in pages and, behind them, the
// sections in SECTIONS. Adding a page: write pages/<name>.js exporting a
// default component, add one line to SECTIONS (path, nav label key, the
// permission it needs) and its strings to both dictionaries in ../i18n/.
import { html, render, useState, useEffect, useContext } from '../lib/html.js';
import { LocationProvider, Router, Route, lazy, useLocation, ErrorBoundary } from 'preact-iso';
import { get, post, onUnauthorized } from '../lib/api.js';
import { t, onLang } from '../lib/i18n.js';
import { Brand, LangSwitch, Redirect } from '../lib/ui.js';
import { Session } from './session.js';

// PRODUCT is the platform's name; it appears in the cabinet only.
const PRODUCT = 'affcore';

// SECTIONS are the cabinet's pages in navigation order. scope: the
// permission the caller needs (see GET /api/v1/me scopes); feature: a plan
// feature the tenant needs.
const SECTIONS = [
	{ path: '/app', label: 'nav.dashboard', page: lazy(() => import('./pages/dashboard.js')) },
	{ path: '/app/offers', label: 'nav.offers', scope: 'offers:read', page: lazy(() => import('./pages/offers.js')) },
	{ path: '/app/landings', label: 'nav.landings', scope: 'campaigns:read', page: lazy(() => import('./pages/landings.js')) },
	{ path: '/app/sources', label: 'nav.sources', scope: 'campaigns:read', page: lazy(() => import('./pages/sources.js')) },
	{ path: '/app/campaigns', label: 'nav.campaigns', scope: 'campaigns:read', page: lazy(() => import('./pages/campaigns.js')) },
	{ path: '/app/partners', label: 'nav.partners', scope: 'partners:read', page: lazy(() => import('./pages/partners.js')) },
	{ path: '/app/conversions', label: 'nav.conversions', scope: 'reports:read', page: lazy(() => import('./pages/conversions.js')) },
	{ path: '/app/postbacks', label: 'nav.postbacks', scope: 'reports:read', page: lazy(() => import('./pages/postbacks.js')) },
	{ path: '/app/webhooks', label: 'nav.webhooks', scope: 'settings:write', page: lazy(() => import('./pages/webhooks.js')) },
	{ path: '/app/payouts', label: 'nav.payouts', scope: 'payouts:read', page: lazy(() => import('./pages/payouts.js')) },
	{ path: '/app/balances', label: 'nav.balances', scope: 'payouts:read', page: lazy(() => import('./pages/balances.js')) },
	{ path: '/app/terms', label: 'nav.terms', scope: 'partners:read', page: lazy(() => import('./pages/terms.js')) },
	{ path: '/app/fx-rates', label: 'nav.fx', scope: 'payouts:read', page: lazy(() => import('./pages/fx.js')) },
	{ path: '/app/marketplace', label: 'nav.marketplace', scope: 'plugins:read', page: lazy(() => import('./pages/marketplace.js')) },
	{ path: '/app/team', label: 'nav.team', scope: 'team:read', page: lazy(() => import('./pages/team.js')) },
	{ path: '/app/api-keys', label: 'nav.apiKeys', scope: 'apikeys:manage', feature: 'api_keys', page: lazy(() => import('./pages/apikeys.js')) },
	{ path: '/app/security', label: 'nav.security', page: lazy(() => import('./pages/security.js')) },
	{ path: '/app/settings', label: 'nav.settings', scope: 'settings:write', page: lazy(() => import('./pages/settings.js')) },
	{ path: '/app/audit', label: 'nav.audit', scope: 'audit:read', page: lazy(() => import('./pages/audit.js')) },
];

// PUBLIC are the pages for callers without a session.
const PUBLIC = [
	{ path: '/login', page: lazy(() => import('./pages/login.js')) },
	{ path: '/signup', page: lazy(() => import('./pages/signup.js')) },
	{ path: '/reset-password', page: lazy(() => import('./pages/reset.js')) },
	{ path: '/team/join', page: lazy(() => import('./pages/join.js')) },
];

const allowed = me => s => (!s.scope || me.scopes.includes(s.scope)) && (!s.feature || me.tenant?.features?.includes(s.feature));

// mount renders the cabinet into root.
export function mount(root) {
	render(html`<${App} />`, root);
}

function App() {
	const [, rerender] = useState(0);
	const [me, setMe] = useState(undefined); // undefined: loading; null: signed out
	const reload = () => get('/me', { quiet401: true }).then(setMe, () => setMe(null));
	useEffect(() => { reload(); return onLang(() => rerender(n => n + 1)); }, []);
	useEffect(() => onUnauthorized(() => setMe(null)), []);
	if (me?.kind === 'partner') {
		location.replace(`/p/${me.program.slug}/`);
		return null;
	}
	const logout = async () => { await post('/auth/logout').catch(() => {}); setMe(null); };
	return html`<${Brand.Provider} value=${PRODUCT}>
		<${Session.Provider} value=${{ me, reload, logout }}>
			<${LocationProvider} scope=${/^\/(?!p\/|api\/|dev\/)/}>
				${me === undefined ? html`<p class="muted boot">${t('loading')}</p>` : html`<${Routes} />`}
			<//>
		<//>
	<//>`;
}

function Routes() {
	const { me } = useContext(Session);
	const { path, url, query } = useLocation();
	if (!me && path.startsWith('/app')) return html`<${Redirect} to=${'/login?next=' + encodeURIComponent(url)} />`;
	if (me && ['/', '/login', '/signup'].includes(path)) return html`<${Redirect} to=${safeNext(query.next)} />`;
	if (!me && path === '/') return html`<${Redirect} to="/login" />`;
	if (me?.mfa_setup_required && path !== '/app/security') return html`<${Redirect} to="/app/security" />`;
	if (!path.startsWith('/app')) {
		return html`<${PublicFrame}><${ErrorBoundary}><${Router}>
			${PUBLIC.map(p => html`<${Route} path=${p.path} component=${p.page} />`)}
			<${Route} default component=${NotFound} />
		<//><//><//>`;
	}
	const sections = SECTIONS.filter(allowed(me));
	return html`<${Shell} sections=${sections}><${ErrorBoundary}><${Router}>
		${sections.map(s => html`<${Route} path=${s.path} component=${s.page} />`)}
		<${Route} default component=${NotFound} />
	<//><//><//>`;
}

// safeNext is where to go after signing in: a cabinet path, never another site.
const safeNext = next => (typeof next === 'string' && /^\/app(\/|$|\?)/.test(next) ? next : '/app');

function NotFound() {
	return html`<section class="page"><h1>${t('notFound.title')}</h1><p>${t('notFound.text')}</p><p><a href="/">${t('notFound.home')}</a></p></section>`;
}

function PublicFrame({ children }) {
	return html`<div class="public">
		<header class="public-head"><a class="brand" href="/">${PRODUCT}</a><${LangSwitch} /></header>
		<main class="public-main">${children}</main>
	</div>`;
}

function Shell({ sections, children }) {
	const { me, logout } = useContext(Session);
	const { path } = useLocation();
	const [open, setOpen] = useState(false);
	useEffect(() => setOpen(false), [path]);
	return html`<div class=${'shell' + (open ? ' nav-open' : '')}>
		<header class="topbar">
			<button class="menu" aria-label=${t('nav.menu')} aria-expanded=${open} onClick=${() => setOpen(!open)}>☰</button>
			<a class="brand" href="/app">${PRODUCT}</a>
			<span class="tenant-name">${me.tenant?.name}</span>
			<span class="spacer"></span>
			<${LangSwitch} />
			<span class="who" title=${me.email}>${me.name || me.email}</span>
			<button class="link" onClick=${logout}>${t('nav.logout')}</button>
		</header>
		<nav class="sidenav" aria-label=${t('nav.main')}>
			${sections.map(s => html`<a href=${s.path} class=${path === s.path ? 'active' : ''} aria-current=${path === s.path ? 'page' : undefined}>${t(s.label)}</a>`)}
		</nav>
		<main class="content">${children}</main>
	</div>`;
}
