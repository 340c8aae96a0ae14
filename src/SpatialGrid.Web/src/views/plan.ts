// The planner's dashboard (分析): the unit measures of /api/stats/cases as ranked bars and weekly trends (ECharts),
// by district, street, community, unit or class, with CSV export and a print layout; the case heat map and the
// per-grid choropleth for a period and class (aggregated by PostGIS into tiles, never every point); hotspot risk
// with reasons and patrol plans; patrol coverage, unvisited grids, tracks and live workers from the legend.
import { api, text } from '../api';
import { addDays, cityDay, cityMidnight } from '../clock';
import { chart } from '../charts';
import { download, esc, query } from '../dom';
import { t } from '../i18n';
import { areaName, className, loadAreaNames } from '../taxonomy';
import { renderRiskControls } from './risk';
import { renderHeatControls } from './heat';
import { renderWorkerList } from './patrols';
import { renderCoverage } from './coverage';
import { renderEvaluation } from './evaluation';
import { renderShiftReplay } from './shift-replay';

interface Measures { key: string; cases: number; onTimeDispatchRate: number | null; onTimeClosureRate: number | null; closureRate: number | null;
  reworkRate: number | null; satisfaction: number | null; onTimeHandlingRate: number | null; redNow: number }

const measures = ['onTimeDispatchRate', 'onTimeHandlingRate', 'onTimeClosureRate', 'closureRate', 'reworkRate', 'satisfaction', 'cases'] as const;
type Measure = (typeof measures)[number];
const settings = { by: 'subdistrict', measure: 'onTimeClosureRate' as Measure, from: addDays(cityDay(), -27), to: cityDay() };

const label = (by: string, key: string) => (by === 'class' ? `${key} ${className(key)}`
  : ['district', 'subdistrict', 'community', 'grid'].includes(by) && areaName(key) ? `${areaName(key)} ${key}` : key);
const value = (m: Measures, k: Measure) => { const v = m[k]; return v === null || v === undefined ? null : k === 'cases' || k === 'satisfaction' ? Number(v) : Math.round(Number(v) * 1000) / 10; };

export function renderPlan(side: HTMLElement): void {
  side.innerHTML = `<div class="plan">
    <h2>${t('plan.title')} <button type="button" id="print" class="small">${t('plan.print')}</button></h2>
    <form id="plan-form" class="filters">
      <div class="row">
        <label>${t('queue.from')}<input type="date" name="from" value="${settings.from}"></label>
        <label>${t('queue.to')}<input type="date" name="to" value="${settings.to}"></label>
      </div>
      <div class="row">
        <label>${t('plan.by')}<select name="by">${['district', 'subdistrict', 'community', 'grid', 'unit', 'class', 'source'].map((b) => `<option value="${b}" ${b === settings.by ? 'selected' : ''}>${esc(t(`by.${b}`))}</option>`).join('')}</select></label>
        <label>${t('plan.measure')}<select name="measure">${measures.map((m) => `<option value="${m}" ${m === settings.measure ? 'selected' : ''}>${esc(t(`measure.${m}`))}</option>`).join('')}</select></label>
      </div>
      <p class="form-buttons"><button type="button" id="export-csv">${t('plan.csv')}</button></p>
      <p class="plan-error error" role="alert"></p>
    </form>
    <section class="chart-box"><h3 id="rank-title"></h3><div id="rank-chart" class="chart" role="img"></div></section>
    <section class="chart-box"><h3>${t('plan.trend')}</h3><div id="trend-chart" class="chart" role="img" aria-label="${esc(t('plan.trend'))}"></div></section>
    <section id="rank-table"></section>
    <section id="evaluation"></section>
    <section id="heat-controls"></section>
    <section id="risk-controls"></section>
    <section id="coverage"></section>
    <section id="worker-controls"></section>
    <section id="shift-replay"></section>
  </div>`;
  const form = side.querySelector<HTMLFormElement>('#plan-form')!;
  form.addEventListener('change', () => {
    const d = new FormData(form);
    settings.from = String(d.get('from') || settings.from);
    settings.to = String(d.get('to') || settings.to);
    settings.by = String(d.get('by'));
    settings.measure = String(d.get('measure')) as Measure;
    void draw();
  });
  side.querySelector('#print')!.addEventListener('click', () => window.print());
  side.querySelector('#export-csv')!.addEventListener('click', async () => {
    try {
      const csv = await text(`/api/stats/cases${query({ by: settings.by, from: cityMidnight(settings.from), to: cityMidnight(addDays(settings.to, 1)), format: 'csv' })}`);
      download(`case-measures-${settings.by}-${settings.from}-${settings.to}.csv`, csv);
    } catch (e) { side.querySelector('.plan-error')!.textContent = (e as Error).message; }
  });
  renderEvaluation(side.querySelector('#evaluation')!);
  renderHeatControls(side.querySelector('#heat-controls')!);
  renderRiskControls(side.querySelector('#risk-controls')!);
  renderCoverage(side.querySelector('#coverage')!);
  renderWorkerList(side.querySelector('#worker-controls')!);
  renderShiftReplay(side.querySelector('#shift-replay')!);
  void draw();
}

async function stats(from: string, to: string): Promise<Measures[]> {
  return api<Measures[]>(`/api/stats/cases${query({ by: settings.by, from: cityMidnight(from), to: cityMidnight(addDays(to, 1)) })}`);
}

async function draw(): Promise<void> {
  const error = document.querySelector('.plan-error');
  await loadAreaNames();
  try {
    const rows = (await stats(settings.from, settings.to)).filter((r) => value(r, settings.measure) !== null);
    const higherWorse = settings.measure === 'reworkRate';
    rows.sort((a, b) => (value(b, settings.measure)! - value(a, settings.measure)!) * (higherWorse ? -1 : 1));
    const top = rows.slice(0, 20);
    document.getElementById('rank-title')!.textContent = t('plan.rank', { measure: t(`measure.${settings.measure}`), by: t(`by.${settings.by}`) });
    const rankEl = document.getElementById('rank-chart')!;
    rankEl.setAttribute('aria-label', t('plan.rank', { measure: t(`measure.${settings.measure}`), by: t(`by.${settings.by}`) }));
    await chart(rankEl, {
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', max: settings.measure.endsWith('Rate') ? 100 : undefined },
      yAxis: { type: 'category', inverse: true, data: top.map((r) => label(settings.by, r.key)), axisLabel: { width: 140, overflow: 'truncate' } },
      series: [{ type: 'bar', data: top.map((r) => value(r, settings.measure)), itemStyle: { color: '#2f5fb3' }, label: { show: true, position: 'right' } }],
    });
    // The same ranking as a table (readable without the chart, and what prints on paper).
    document.getElementById('rank-table')!.innerHTML = `<table class="ranking"><caption>${esc(t('plan.table'))}</caption>
      <tr><th scope="col">#</th><th scope="col">${esc(t(`by.${settings.by}`))}</th><th scope="col">${t('measure.cases')}</th>
      ${measures.filter((m) => m !== 'cases').map((m) => `<th scope="col">${esc(t(`measure.${m}`))}</th>`).join('')}<th scope="col">${t('plan.redNow')}</th></tr>
      ${rows.map((r, i) => `<tr><td>${i + 1}</td><td>${esc(label(settings.by, r.key))}</td><td>${r.cases}</td>
        ${measures.filter((m) => m !== 'cases').map((m) => `<td>${value(r, m) ?? '—'}${value(r, m) !== null && m.endsWith('Rate') ? ' %' : ''}</td>`).join('')}<td>${r.redNow}</td></tr>`).join('')}</table>`;
    // Weekly trend of the measure for the five largest keys, over the eight weeks up to the period's end.
    const weeks = Array.from({ length: 8 }, (_, i) => addDays(settings.to, -7 * (7 - i) - 6));
    const perWeek = await Promise.all(weeks.map((w) => stats(w, addDays(w, 6))));
    const keys = [...rows].sort((a, b) => b.cases - a.cases).slice(0, 5).map((r) => r.key);
    await chart(document.getElementById('trend-chart')!, {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 32, containLabel: true },
      xAxis: { type: 'category', data: weeks.map((w) => w.slice(5)) },
      yAxis: { type: 'value' },
      series: keys.map((k) => ({ type: 'line', name: label(settings.by, k), connectNulls: true, data: perWeek.map((ws) => { const m = ws.find((x) => x.key === k); return m ? value(m, settings.measure) : null; }) })),
    });
    if (error) error.textContent = '';
  } catch (e) { if (error) error.textContent = (e as Error).message; }
}
