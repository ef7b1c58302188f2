import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import type { StackedDays } from '../daily-series.ts';
import { formatMoney } from '../format.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** Colour-blind-safe palette (Okabe–Ito), then greys for "other". */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const OTHER_COLOUR = '#9aa3ad';

/** A colour per name that stays the same from page to page (gpt-4o is the same blue everywhere). */
function coloursFor(names: readonly string[]): string[] {
  const taken = new Set<number>();
  return names.map((name) => {
    if (name === 'other') return OTHER_COLOUR;
    let slot = [...name].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % PALETTE.length;
    for (let i = 0; i < PALETTE.length && taken.has(slot); i++) slot = (slot + 1) % PALETTE.length;
    taken.add(slot);
    return PALETTE[slot]!;
  });
}

/** A stacked bar per day; the floats here only draw bars, every figure in text comes from the API. */
export function StackedChart(props: { stacked: StackedDays; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { stacked, label } = props;
  useEffect(() => {
    if (!canvas.current) return;
    const colours = coloursFor(stacked.series.map((s) => s.name));
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: stacked.dates,
        datasets: stacked.series.map((s, i) => ({
          label: s.name === '' ? '(none)' : s.name,
          data: s.values.map(Number),
          backgroundColor: colours[i],
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
