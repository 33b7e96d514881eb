// Entry point. The partner portal (/p/{slug}/...) and the advertiser cabinet
// are separate apps sharing lib/: a portal page never loads cabinet code, so
// nothing of the platform's own brand reaches partners.
import { lang } from './lib/i18n.js';

document.documentElement.lang = lang();
const root = document.getElementById('app');
const app = location.pathname.startsWith('/p/') ? import('./portal/app.js') : import('./cabinet/app.js');
app.then(m => m.mount(root));
