// Session is the signed-in caller: me (GET /api/v1/me, null when signed
// out), reload() after changes to the account, and logout().
import { createContext } from '../lib/html.js';

export const Session = createContext({ me: null, reload: () => {}, logout: () => {} });
