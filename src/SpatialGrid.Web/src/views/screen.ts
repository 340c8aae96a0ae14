// The big screen (大屏): today's counts, the hourly trend of today against yesterday, the map, the red list; it
// refreshes itself on case events and every minute, for a wall in the command centre.
import { api } from '../api';
import { addDays, cityDay, cityMidnight, cityTime, duration } from '../clock';
import { chart } from '../charts';
import { esc, query } from '../dom';
import { t } from '../i18n';
import { onCaseEvent } from '../live';
import { className } from '../taxonomy';
import { badge } from './case-panel';
import type { CaseSummary, Counts, Paged } from './types';

let timer = 0;
let pending = 0;
let active = false;

export function renderScreen(side: HTMLElement): void {
  active = true;
  side.innerHTML = `<div class="screen">
    <div class="kpis" id="kpis"></div>
    <section class="chart-box"><h2>${t('screen.trend')}</h2><div id="screen-trend" class="chart" role="img" aria-label="${esc(t('screen.trend'))}"></div></section>
    <section><h2>${t('dispatch.redTitle')}</h2><ol id="screen-red" class="watch-list"></ol></section>
  </div>`;
  clearInterval(timer);
  timer = window.setInterval(() => { if (active) void refresh(); }, 60000);
  void refresh();
}

export function leaveScreen(): void { active = false; clearInterval(timer); }

onCaseEvent(() => {
  if (!active) return;
  clearTimeout(pending);
  pending = window.setTimeout(refresh, 1000);
});

async function hourly(day: string): Promise<number[]> {
  const r = await api<Paged<CaseSummary>>(`/api/cases${query({ from: cityMidnight(day), to: cityMidnight(addDays(day, 1)), pageSize: 1000, sort: 'reported' })}`);
  const hours = new Array<number>(24).fill(0);
  for (const c of r.items) hours[Number(cityTime(c.reportedAt).slice(0, 2))]++;
  return hours;
}

async function refresh(): Promise<void> {
  const today = cityDay();
  try {
    const [all, todays, red, h0, h1] = await Promise.all([
      api<Counts>('/api/cases/counts?state=open'),
      api<Counts>(`/api/cases/counts${query({ from: cityMidnight(today) })}`),
      api<CaseSummary[]>('/api/cases/overdue'),
      hourly(today), hourly(addDays(today, -1)),
    ]);
    const kpi = (name: string, n: number, cls = '') => `<div class="kpi ${cls}"><span class="n">${n}</span><span class="name">${esc(name)}</span></div>`;
    document.getElementById('kpis')!.innerHTML = kpi(t('screen.today'), todays.total) + kpi(t('screen.open'), all.total)
      + kpi(t('colour.red'), all.colours.red ?? 0, 'red') + kpi(t('colour.yellow'), all.colours.yellow ?? 0, 'yellow')
      + kpi(t('screen.closedToday'), todays.states.closed ?? 0);
    const hour = Number(cityTime(Date.now()).slice(0, 2));
    await chart(document.getElementById('screen-trend')!, {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0, textStyle: { color: '#dde' } },
      grid: { left: 8, right: 16, top: 16, bottom: 32, containLabel: true },
      xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, i) => `${i}:00`), axisLabel: { color: '#ccd' } },
      yAxis: { type: 'value', axisLabel: { color: '#ccd' } },
      series: [
        { type: 'bar', name: t('screen.todaySeries'), data: h0.map((n, i) => (i <= hour ? n : null)), itemStyle: { color: '#4f8fea' } },
        { type: 'line', name: t('screen.yesterday'), data: h1, itemStyle: { color: '#f2c14e' } },
      ],
    });
    document.getElementById('screen-red')!.innerHTML = red.slice(0, 12).map((c) => `<li>${badge(c.colour)} <b>${esc(c.number)}</b> ${esc(className(c.classCode))}
      <span class="sub">${esc(c.unit)} · ${t('case.overdue')} ${duration((Date.now() - Date.parse(c.redAt!)) / 60000)}</span></li>`).join('') || `<li class="note">${t('dispatch.redEmpty')}</li>`;
  } catch (e) { document.getElementById('kpis')!.innerHTML = `<p class="error" role="alert">${esc((e as Error).message)}</p>`; }
}
