// English strings of the partner portal (pages under ../portal/); kept apart
// from the cabinet's en.js and merged with it by lib/i18n.js.
export const en = {
	'portal.home': 'Home',
	'portal.welcome': 'Welcome to {program}, {name}.',
	'portal.profile': 'Your profile',
	'portal.program': 'Program',
	'portal.loginIntro': 'Log in to the partner area of {program}.',
	'portal.inviteOnly': 'New partners join through a personal invite link.',
	'portal.joinTitle': 'Become a partner',
	'portal.joinIntro': 'You are invited to join {program}. Create your account.',
	'portal.joinSubmit': 'Create account',
	'portal.badInvite': 'This invite link is invalid, used up or expired. Ask for a new one.',
	'portal.missing': 'There is no partner program at this address.',
};
