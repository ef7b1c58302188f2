import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import type { StackedDays } from '../daily-series.ts';
import { formatMoney } from '../format.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** Colour-blind-safe palette (Okabe–Ito), then greys for "other". */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const OTHER_COLOUR = '#9aa3ad';

/** A stacked bar per day; the floats here only draw bars, every figure in text comes from the API. */
export function StackedChart(props: { stacked: StackedDays; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { stacked, label } = props;
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: stacked.dates,
        datasets: stacked.series.map((s, i) => ({
          label: s.name === '' ? '(none)' : s.name,
          data: s.values.map(Number),
          backgroundColor: s.name === 'other' ? OTHER_COLOUR : PALETTE[i % PALETTE.length],
          borderWidth: 0,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } },
          y: { stacked: true, beginAtZero: true, ticks: { callback: (v) => formatMoney(Number(v)) } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: (ctx) =>
                `${ctx.dataset.label}: ${formatMoney(stacked.series[ctx.datasetIndex]?.values[ctx.dataIndex] ?? '0')}`,
            },
          },
        },
      },
    });
    return () => chart.destroy();
  }, [stacked]);
  return html`<div class="chart"><canvas ref=${canvas} role="img" aria-label=${label}></canvas></div>`;
}
