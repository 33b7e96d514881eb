// Charts come from Chart.js; BarChart/LineChart wrap it as components.
import { Chart, registerables } from 'chart.js';
import { html, useEffect, useRef } from './html.js';

Chart.register(...registerables);

function ChartBox({ type, labels, datasets, label }) {
	const canvas = useRef(null);
	const key = JSON.stringify([type, labels, datasets]);
	useEffect(() => {
		const css = getComputedStyle(document.documentElement);
		const colors = [css.getPropertyValue('--primary').trim() || '#2451b7', css.getPropertyValue('--accent').trim() || '#e07b00'];
		const chart = new Chart(canvas.current, {
			type,
			data: { labels, datasets: datasets.map((d, i) => ({ backgroundColor: colors[i % 2], borderColor: colors[i % 2], ...d })) },
			options: {
				responsive: true, maintainAspectRatio: false, animation: false,
				plugins: { legend: { display: datasets.length > 1 } },
				scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
			},
		});
		return () => chart.destroy();
	}, [key]);
	return html`<div class="chart"><canvas ref=${canvas} role="img" aria-label=${label}></canvas></div>`;
}

// BarChart draws datasets [{label, data}] over labels.
export const BarChart = props => html`<${ChartBox} type="bar" ...${props} />`;

// LineChart draws datasets [{label, data}] over labels.
export const LineChart = props => html`<${ChartBox} type="line" ...${props} />`;
