// Portal is the portal's context: program ({name, slug, branding}), base
// (/p/{slug}), the signed-in partner (me, null when signed out), reload()
// and logout().
import { createContext } from '../lib/html.js';

export const Portal = createContext({});
