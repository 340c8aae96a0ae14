// ECharts, only the parts the dashboards draw (bars, lines; grid, tooltip, legend, titles), on canvas, loaded the
// first time a chart is drawn: the dispatcher's view never downloads it (half a megabyte less on a cold load).
import type { EChartsCoreOption, ECharts } from 'echarts/core';

const charts = new Map<HTMLElement, ECharts>();
let loading: Promise<typeof import('echarts/core')> | null = null;
const echarts = () => (loading ??= import('./echarts-parts').then((m) => m.default));

export async function chart(el: HTMLElement, option: EChartsCoreOption): Promise<ECharts> {
  const e = await echarts();
  let c = charts.get(el);
  if (!c || c.isDisposed()) { c = e.init(el, undefined, { renderer: 'canvas' }); charts.set(el, c); }
  c.setOption(option, true);
  return c;
}

export function disposeCharts(): void { charts.forEach((c) => c.dispose()); charts.clear(); }

window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
// Printing lays the page out anew: the charts follow.
window.addEventListener('beforeprint', () => charts.forEach((c) => c.resize()));
