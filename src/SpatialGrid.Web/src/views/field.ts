// The field worker's phone view (监督员): who I am (a worker of the roster), my shift's grids and today's walking
// in them, the cases waiting for my verification there, and reporting a case at my position with a photo reference.
// Verifying opens the case with my position filled in; the service refuses a verification from outside the grid.
import { api, post } from '../api';
import { cityDay, cityDateTime } from '../clock';
import { announce, esc } from '../dom';
import { t } from '../i18n';
import { fitGeometry, theMap } from '../map/mapview';
import { className, classOptions } from '../taxonomy';
import { badge, showCase } from './case-panel';
import { begin, panel } from './panel';
import type { CaseDetail, CaseSummary, Paged } from './types';
import { renderMyTasks } from './tasks';

interface Worker { id: string; name: string; team: string | null; district: string }
interface RosterEntry { day: string; worker: string; shift: string }
interface Shift { code: string; name: string; starts: string; ends: string; grids: string[] }
interface WorkerDay { minutes: number; metres: number; grids: { grid: string; name: string | null; minutes: number; inShift: boolean }[] }

const WORKER = 'sg-worker';
let position: [number, number] | null = null;
let watch = -1;

/** Where I am: the phone's position when it gives one, else the middle of the map (a desk test). */
export const myPosition = (): [number, number] => position ?? [theMap().getCenter().lng, theMap().getCenter().lat];

/**
 * The field view. bound: the worker the key is bound to (/api/session), who is then the only one offered and is chosen
 * already (the service refuses a bound key acting as anyone else); an unbound key (a team's shared phone) chooses.
 */
export async function renderField(side: HTMLElement, bound: string | null = null): Promise<void> {
  if (watch < 0 && 'geolocation' in navigator) {
    watch = navigator.geolocation.watchPosition((p) => { position = [p.coords.longitude, p.coords.latitude]; }, () => { position = null; }, { enableHighAccuracy: true });
  }
  let workers: Worker[] = [];
  try {
    const r = await api<Worker[] | Paged<Worker>>('/api/patrols/workers?pageSize=1000');
    workers = Array.isArray(r) ? r : r.items;
  } catch { /* no patrol organisation readable */ }
  if (bound) {
    sessionStorage.setItem(WORKER, bound);
    workers = [workers.find((w) => w.id === bound) ?? { id: bound, name: bound, team: null, district: '' }];
  }
  const me = sessionStorage.getItem(WORKER) ?? '';
  side.innerHTML = `<div class="field">
    <label class="who">${t('field.me')} <select id="field-worker" ${bound ? 'disabled aria-describedby="field-bound"' : ''}>${bound ? '' : '<option value="">—</option>'}
      ${workers.map((w) => `<option value="${esc(w.id)}" ${w.id === me ? 'selected' : ''}>${esc(w.name)} (${esc(w.id)})</option>`).join('')}</select></label>
    ${bound ? `<p class="note" id="field-bound">${esc(t('field.bound', { worker: bound }))}</p>` : ''}
    <section id="field-shift"></section>
    <section id="field-tasks"></section>
    <h2>${t('field.toVerify')}</h2><ul id="field-cases" class="watch-list"></ul>
    <details id="field-report-box" open><summary>${t('field.report')}</summary>
      <form id="field-report" class="filters">
        <label>${t('queue.class')}<select name="classCode" required><option value="">—</option>${classOptions().filter(([c]) => c.startsWith('E')).map(([c, n]) => `<option value="${esc(c)}">${esc(n)}</option>`).join('')}</select></label>
        <label>${t('field.description')}<textarea name="description" rows="2" required></textarea></label>
        <label>${t('field.photo')}<input name="photo" placeholder="${esc(t('field.attachmentsHint'))}"></label>
        <p class="note" id="field-where"></p>
        <p class="form-buttons"><button class="primary" type="submit">${t('field.send')}</button></p>
        <p class="form-error error" role="alert"></p>
      </form></details>
  </div>`;
  side.querySelector<HTMLSelectElement>('#field-worker')!.addEventListener('change', (e) => {
    sessionStorage.setItem(WORKER, (e.target as HTMLSelectElement).value);
    void shift();
  });
  const form = side.querySelector<HTMLFormElement>('#field-report')!;
  const where = side.querySelector('#field-where')!;
  const showWhere = () => { const [x, y] = myPosition(); where.textContent = t('field.at', { lon: x.toFixed(5), lat: y.toFixed(5), how: position ? t('field.gps') : t('field.mapCentre') }); };
  showWhere();
  theMap().on('moveend', showWhere);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const [lon, lat] = myPosition();
    const photo = String(d.get('photo') ?? '').trim();
    const error = form.querySelector('.form-error')!;
    try {
      const made = await post<CaseDetail>('/api/cases', { classCode: d.get('classCode'), description: String(d.get('description')).trim(), lon, lat, source: 'patrol',
        worker: sessionStorage.getItem(WORKER) || undefined, attachments: photo ? [photo] : undefined });
      form.reset();
      error.textContent = '';
      announce(t('field.sent', { number: made.case.number }));
      void showCase(made.case.number, { position: myPosition });
    } catch (err) { error.textContent = (err as Error).message; }
  });
  await shift();
}

async function shift(): Promise<void> {
  const box = document.getElementById('field-shift');
  const list = document.getElementById('field-cases');
  if (!box || !list) return;
  const me = sessionStorage.getItem(WORKER) ?? '';
  let grids: string[] = [];
  if (me) {
    try {
      const today = cityDay();
      const [roster, shifts, day] = await Promise.all([
        api<RosterEntry[] | Paged<RosterEntry>>(`/api/patrols/roster?date=${today}`),
        api<Shift[] | Paged<Shift>>('/api/patrols/shifts'),
        api<WorkerDay>(`/api/patrols/workers/${encodeURIComponent(me)}/day?date=${today}`),
      ]);
      const entries = (Array.isArray(roster) ? roster : roster.items).filter((r) => r.worker === me);
      const all = Array.isArray(shifts) ? shifts : shifts.items;
      const mine = all.filter((s) => entries.some((e) => e.shift === s.code));
      grids = [...new Set(mine.flatMap((s) => s.grids))];
      const walked = new Map(day.grids.map((g) => [g.grid, g.minutes]));
      box.innerHTML = `<h2>${t('field.shift')}</h2>
        <p>${mine.length ? mine.map((s) => `${esc(s.name)} ${esc(s.starts)}–${esc(s.ends)}`).join(', ') : esc(t('field.noShift'))}</p>
        <p>${t('field.coverage', { min: Math.round(day.minutes), km: (day.metres / 1000).toFixed(1), done: grids.filter((g) => walked.has(g)).length, of: grids.length })}</p>
        <ul class="grid-chips">${grids.map((g) => `<li class="${walked.has(g) ? 'walked' : 'not-walked'}"><button type="button" data-grid="${esc(g)}">${walked.has(g) ? '✓' : '○'} ${esc(g.slice(-6))} · ${Math.round(walked.get(g) ?? 0)} min</button></li>`).join('')}</ul>`;
      box.querySelectorAll<HTMLButtonElement>('button[data-grid]').forEach((b) => b.addEventListener('click', async () => {
        const g = await api<{ geometry: { coordinates: unknown } }>(`/api/grids/${b.dataset.grid}`);
        fitGeometry(g.geometry, 17);
      }));
    } catch (e) { box.innerHTML = `<p class="error" role="alert">${esc((e as Error).message)}</p>`; }
  } else box.innerHTML = `<p class="note">${t('field.chooseMe')}</p>`;
  const tasks = document.getElementById('field-tasks');
  if (tasks) void renderMyTasks(tasks, me, myPosition, (n) => { void showCase(n, { fly: true, position: myPosition }); });
  // Cases handled by their units and waiting for a verification on site: those in my grids first.
  try {
    const handled = (await api<Paged<CaseSummary>>('/api/cases?state=handled&sort=due&pageSize=200')).items;
    const inMine = handled.filter((c) => c.gridCode && grids.includes(c.gridCode));
    const shown = (grids.length ? inMine : handled).slice(0, 30);
    list.innerHTML = shown.length ? shown.map((c) => `<li><button type="button" data-number="${esc(c.number)}">${badge(c.colour)} <b>${esc(c.number)}</b>
      <span class="sub">${esc(className(c.classCode))} · ${esc(cityDateTime(c.reportedAt))} · ${esc(c.gridCode ?? '')}</span></button></li>`).join('')
      : `<li class="note">${t('field.nothing')}</li>`;
    list.querySelectorAll<HTMLButtonElement>('button[data-number]').forEach((b) => b.addEventListener('click', () => {
      begin();
      panel().scrollIntoView({ behavior: 'smooth' });
      void showCase(b.dataset.number!, { fly: true, position: myPosition });
    }));
  } catch (e) { list.innerHTML = `<li class="error">${esc((e as Error).message)}</li>`; }
}
