// Translations: dictionaries per language in ../i18n/ (the cabinet's and the
// portal's, merged), looked up by key
// with {name} placeholders; a value may be a plural map ({one, few, many,
// other}) chosen by Intl.PluralRules on {n}. The chosen language is kept in
// localStorage and applies to the cabinet and every partner portal.
import { en as cabinetEn } from '../i18n/en.js';
import { ru as cabinetRu } from '../i18n/ru.js';
import { en as portalEn } from '../i18n/portal-en.js';
import { ru as portalRu } from '../i18n/portal-ru.js';
import { document, storage } from './dom.js';

const en = { ...cabinetEn, ...portalEn };
const dicts = { en, ru: { ...cabinetRu, ...portalRu } };

// languages offered by the switch, each named in itself.
export const languages = [['en', 'English'], ['ru', 'Русский']];

let current = initial();
const listeners = new Set();

function initial() {
	const saved = storage.get('lang');
	if (dicts[saved]) return saved;
	return (navigator.language || '').toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

// lang is the current language code.
export const lang = () => current;

// setLang switches the language, remembers it and re-renders subscribers.
export function setLang(code) {
	if (!dicts[code]) return;
	current = code;
	storage.set('lang', code);
	document.documentElement.lang = code;
	listeners.forEach(fn => fn(code));
}

// onLang subscribes to language changes; it returns the unsubscribe function.
export function onLang(fn) {
	listeners.add(fn);
	return () => listeners.delete(fn);
}

// t translates key, filling {placeholders} from vars.
export function t(key, vars = {}) {
	let s = dicts[current][key] ?? en[key] ?? key;
	if (typeof s === 'object') s = s[new Intl.PluralRules(current).select(vars.n ?? 0)] ?? s.other;
	return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

// fmtTime formats an API timestamp for the current language.
export function fmtTime(v) {
	if (!v) return '';
	return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(v));
}

// fmtDate formats an API timestamp as a date.
export function fmtDate(v) {
	if (!v) return '';
	return new Intl.DateTimeFormat(current, { dateStyle: 'medium' }).format(new Date(v));
}

// fmtDay formats an API timestamp as a short day and month (chart axes).
export function fmtDay(v) {
	return new Intl.DateTimeFormat(current, { day: 'numeric', month: 'short' }).format(new Date(v));
}
