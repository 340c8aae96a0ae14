// The planner's patrol coverage of a day (/api/patrols/coverage): per grid walked, minutes, workers and the share of
// its road length walked (within the service's buffer), least walked roads first, so patrols can be moved there;
// and how many of the day's shift grids nobody visited (/api/patrols/unvisited). CSV of the whole day.
import { api, text } from '../api';
import { cityDay } from '../clock';
import { download, esc, query } from '../dom';
import { t } from '../i18n';

interface GridCoverage { grid: string; name: string | null; minutes: number; metres: number; workers: number; roadMetres: number; roadShare: number | null }
interface Unvisited { grid: string; name: string | null }

const SHOWN = 30;

export function renderCoverage(box: HTMLElement): void {
  box.innerHTML = `<h3>${t('coverage.title')}</h3>
    <form class="filters" id="coverage-form"><div class="row">
      <label>${t('coverage.day')}<input type="date" name="date" value="${cityDay()}"></label>
      <button type="button" id="coverage-csv">${t('plan.csv')}</button></div></form>
    <p class="coverage-error error" role="alert"></p>
    <div id="coverage-table"></div>`;
  const form = box.querySelector<HTMLFormElement>('#coverage-form')!;
  const day = (): string => String(new FormData(form).get('date') || cityDay());
  const error = box.querySelector('.coverage-error')!;
  const draw = async (): Promise<void> => {
    const out = box.querySelector('#coverage-table')!;
    out.innerHTML = `<p class="note">${t('loading')}</p>`;
    try {
      const [grids, unvisited] = await Promise.all([
        api<GridCoverage[]>(`/api/patrols/coverage${query({ date: day() })}`),
        api<Unvisited[]>(`/api/patrols/unvisited${query({ date: day() })}`)]);
      error.textContent = '';
      // Least walked roads first; grids without roads last.
      const ordered = [...grids].sort((a, b) => (a.roadShare ?? 2) - (b.roadShare ?? 2) || a.grid.localeCompare(b.grid));
      const pct = (v: number | null): string => (v === null ? '—' : `${Math.round(v * 100)} %`);
      out.innerHTML = `<p>${t('coverage.summary', { walked: grids.length, unvisited: unvisited.length })}</p>
        <table class="ranking"><caption class="sr-only">${t('coverage.title')}</caption>
        <thead><tr><th scope="col">${t('coverage.grid')}</th><th scope="col">${t('coverage.minutes')}</th><th scope="col">${t('coverage.workers')}</th>
          <th scope="col">${t('coverage.roads')}</th></tr></thead>
        <tbody>${ordered.slice(0, SHOWN).map((g) => `<tr data-grid="${esc(g.grid)}"><th scope="row">${esc(g.name ?? g.grid)}</th>
          <td>${Math.round(g.minutes)}</td><td>${g.workers}</td><td>${pct(g.roadShare)} <small>${t('coverage.of', { m: Math.round(g.roadMetres) })}</small></td></tr>`).join('')}</tbody></table>
        ${ordered.length > SHOWN ? `<p class="note">${t('coverage.more', { n: ordered.length - SHOWN })}</p>` : ''}`;
    } catch (e) { out.innerHTML = ''; error.textContent = (e as Error).message; }
  };
  form.addEventListener('change', () => { void draw(); });
  box.querySelector('#coverage-csv')!.addEventListener('click', async () => {
    try { download(`coverage-${day()}.csv`, await text(`/api/patrols/coverage${query({ date: day(), format: 'csv' })}`)); }
    catch (e) { error.textContent = (e as Error).message; }
  });
  void draw();
}
