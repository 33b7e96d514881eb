// FX rates: the day's rates used to convert commissions and payouts
// between currencies, entered by hand.
import { html, useState } from '../../lib/html.js';
import { post } from '../../lib/api.js';
import { t, fmtDate } from '../../lib/i18n.js';
import { Page, Card, Table, Notice, Loaded, useFetch } from '../../lib/ui.js';
import { useForm, Form, Field } from '../../lib/forms.js';
import { useCan } from '../common.js';

export default function FXRates() {
	const rates = useFetch('/fx-rates');
	const [saved, setSaved] = useState(false);
	const form = useForm({ day: new Date().toISOString().slice(0, 10), base: 'EUR', quote: 'USD', rate: '' }, async v => {
		await post('/fx-rates', { day: v.day, base: v.base.trim().toUpperCase(), quote: v.quote.trim().toUpperCase(), rate: v.rate.trim() });
		setSaved(true);
		form.reset({ ...v, rate: '' });
		rates.reload();
	});
	return html`<${Page} title=${t('nav.fx')}>
		${useCan('payouts:write') && html`<${Card} title=${t('fx.new')}>
			<p class="muted">${t('fx.about')}</p>
			${saved && html`<${Notice} kind="success">${t('saved')}<//>`}
			<${Form} form=${form} submitLabel=${t('save')} class="inline">
				<${Field} form=${form} name="day" type="date" label=${t('fx.day')} />
				<${Field} form=${form} name="base" label=${t('fx.base')} maxlength="3" />
				<${Field} form=${form} name="quote" label=${t('fx.quote')} maxlength="3" />
				<${Field} form=${form} name="rate" inputmode="decimal" label=${t('fx.rate')} hint=${t('fx.rateHint')} required />
			<//>
		<//>`}
		<${Card} title=${t('fx.list')}>
			<${Loaded} state=${rates}>${d => html`<${Table} empty=${t('fx.none')} rows=${d.items} rowKey=${r => r.day + r.base + r.quote} columns=${[
				[t('fx.day'), r => fmtDate(r.day)],
				[t('fx.pair'), r => `${r.base}/${r.quote}`],
				[t('fx.rate'), r => r.rate],
			]} />`}<//>
		<//>
	<//>`;
}
