// ECharts, only the parts the dashboards draw (bars, lines; grid, tooltip, legend, titles), on canvas.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, TitleComponent, DataZoomComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, DataZoomComponent, CanvasRenderer]);

const charts = new Map<HTMLElement, echarts.ECharts>();

export function chart(el: HTMLElement, option: echarts.EChartsCoreOption): echarts.ECharts {
  let c = charts.get(el);
  if (!c || c.isDisposed()) { c = echarts.init(el, undefined, { renderer: 'canvas' }); charts.set(el, c); }
  c.setOption(option, true);
  return c;
}

export function disposeCharts(): void { charts.forEach((c) => c.dispose()); charts.clear(); }

window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
// Printing lays the page out anew: the charts follow.
window.addEventListener('beforeprint', () => charts.forEach((c) => c.resize()));
