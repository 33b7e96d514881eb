// Russian strings of the partner portal (pages under ../portal/); kept apart
// from the cabinet's ru.js and merged with it by lib/i18n.js.
export const ru = {
	'portal.home': 'Главная',
	'portal.welcome': 'Добро пожаловать в {program}, {name}.',
	'portal.profile': 'Ваш профиль',
	'portal.program': 'Программа',
	'portal.loginIntro': 'Вход в кабинет партнёра {program}.',
	'portal.inviteOnly': 'Новые партнёры регистрируются по личной ссылке-приглашению.',
	'portal.joinTitle': 'Стать партнёром',
	'portal.joinIntro': 'Вас приглашают в {program}. Создайте аккаунт.',
	'portal.joinSubmit': 'Создать аккаунт',
	'portal.badInvite': 'Ссылка-приглашение недействительна, исчерпана или устарела. Попросите новую.',
	'portal.missing': 'По этому адресу нет партнёрской программы.',
};
