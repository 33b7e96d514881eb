// Money in the portal: the API sends amounts as decimal strings with up to
// eight places; sums are made on scaled integers (BigInt), never on
// floating point, so a total always equals the ledger to the last digit.
const PLACES = 8;
const SCALE = 10n ** BigInt(PLACES);

// units turns a decimal string ("-4.5") into an integer of 10^-8 units.
export function units(s) {
	const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(String(s ?? '0').trim());
	if (!m) return 0n;
	const whole = BigInt(m[2] || '0') * SCALE + BigInt(((m[3] || '') + '0'.repeat(PLACES)).slice(0, PLACES));
	return m[1] ? -whole : whole;
}

// decimal formats 10^-8 units with at least two decimal places.
export function decimal(u) {
	const neg = u < 0n;
	const abs = neg ? -u : u;
	const frac = (abs % SCALE).toString().padStart(PLACES, '0').replace(/0+$/, '').padEnd(2, '0');
	return (neg ? '-' : '') + (abs / SCALE).toString() + '.' + frac;
}

// sum adds decimal strings exactly.
export const sum = values => decimal(values.reduce((acc, v) => acc + units(v), 0n));

// isZero reports a decimal string that is zero.
export const isZero = v => units(v) === 0n;

// money is an amount with its currency, as shown in tables.
export const money = (amount, currency) => `${amount} ${currency}`;
