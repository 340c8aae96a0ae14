// The dispatcher's workstation (受理/派遣): the queue, the red-light (督办) and yellow lists beside the map, the
// case panel with its actions; new cases counted and chimed; keyboard: J/K move, A/D/R/F/V/C act, / searches.
import { api } from '../api';
import { cityDateTime, duration } from '../clock';
import { announce, byId, esc } from '../dom';
import { t } from '../i18n';
import { onCaseEvent, type CaseEvent } from '../live';
import { refreshSource, theMap } from '../map/mapview';
import { className } from '../taxonomy';
import { badge, caseShortcut, onCaseActed, refreshCase, shownCase, showCase } from './case-panel';
import { mark, reload, renderQueue, step, filterMap } from './queue';
import type { CaseSummary, Paged } from './types';
import { renderTaskLists } from './tasks';

let tab: 'queue' | 'red' | 'yellow' | 'tasks' = 'queue';
let host: HTMLElement | null = null;

export function openCase(number: string, fly = true): void {
  mark(number);
  void showCase(number, { fly });
}

export function renderDispatch(side: HTMLElement): void {
  side.innerHTML = `<div class="work-tabs" role="tablist">
      <button type="button" role="tab" data-tab="queue">${t('dispatch.queue')}</button>
      <button type="button" role="tab" data-tab="red">${t('dispatch.red')} <span class="count" id="red-count"></span></button>
      <button type="button" role="tab" data-tab="yellow">${t('dispatch.yellow')} <span class="count" id="yellow-count"></span></button>
      <button type="button" role="tab" data-tab="tasks">${t('dispatch.tasks')}</button>
    </div><div id="work"></div>`;
  host = side.querySelector('#work');
  side.querySelectorAll<HTMLButtonElement>('[data-tab]').forEach((b) => b.addEventListener('click', () => { tab = b.dataset.tab as typeof tab; draw(side); }));
  draw(side);
  void redYellowCounts();
}

function draw(side: HTMLElement): void {
  side.querySelectorAll<HTMLButtonElement>('[data-tab]').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === tab)));
  if (!host) return;
  if (tab === 'queue') renderQueue(host, (n) => openCase(n));
  else if (tab === 'tasks') void renderTaskLists(host, (n) => openCase(n));
  else void renderWatchList(host, tab);
}

/** The red-light list (督办: past a deadline, longest overdue first) or the yellow list (nearly due), live. */
async function renderWatchList(box: HTMLElement, which: 'red' | 'yellow'): Promise<void> {
  box.innerHTML = `<p class="note">${t('loading')}</p>`;
  try {
    const items = which === 'red'
      ? await api<CaseSummary[]>('/api/cases/overdue')
      : (await api<Paged<CaseSummary>>('/api/cases?state=open&colour=yellow&sort=due&pageSize=500')).items;
    if (tab !== which) return;
    box.innerHTML = `<h2 class="list-title">${esc(t(`dispatch.${which}Title`))} <span class="count">${items.length}</span></h2>
      ${items.length ? `<ol class="watch-list">${items.map((c) => {
        const late = c.redAt ? (Date.now() - Date.parse(c.redAt)) / 60000 : 0;
        return `<li><button type="button" data-number="${esc(c.number)}">${badge(c.colour)} <b>${esc(c.number)}</b> ${esc(t(`state.${c.state}`))}
          <span class="sub">${esc(className(c.classCode))} · ${esc(c.unit)} · ${which === 'red' && late > 0 ? `${t('case.overdue')} ${duration(late)}` : esc(cityDateTime(c.reportedAt))}</span></button></li>`;
      }).join('')}</ol>` : `<p class="note">${esc(t(`dispatch.${which}Empty`))}</p>`}`;
    box.querySelectorAll<HTMLButtonElement>('button[data-number]').forEach((b) => b.addEventListener('click', () => openCase(b.dataset.number!)));
  } catch (e) { box.innerHTML = `<p class="error" role="alert">${esc((e as Error).message)}</p>`; }
}

async function redYellowCounts(): Promise<void> {
  try {
    const counts = await api<{ colours: Record<string, number> }>('/api/cases/counts?state=open');
    const red = document.getElementById('red-count'), yellow = document.getElementById('yellow-count');
    if (red) red.textContent = String(counts.colours.red ?? 0);
    if (yellow) yellow.textContent = String(counts.colours.yellow ?? 0);
  } catch { /* counts stay blank */ }
}

// New cases: a counter in the top bar (cleared when looked at) and a short chime (once the page has been used:
// browsers allow sound only after a user gesture).
let unseen = 0;
let audio: AudioContext | null = null;
document.addEventListener('pointerdown', () => { audio ??= new AudioContext(); }, { once: true });
function chime(): void {
  if (!audio) return;
  const o = audio.createOscillator(), g = audio.createGain();
  o.frequency.value = 880;
  g.gain.setValueAtTime(0.08, audio.currentTime);
  g.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
  o.connect(g).connect(audio.destination);
  o.start();
  o.stop(audio.currentTime + 0.35);
}

let pending = 0;
export function dispatchLive(): void {
  const counter = byId('new-cases');
  counter.addEventListener('click', () => { unseen = 0; counter.hidden = true; tab = 'queue'; const side = byId('side'); if (side.dataset.view === 'dispatch') draw(side); });
  onCaseActed(() => { refreshSource('cases'); refreshLists(); });
  onCaseEvent((e: CaseEvent) => {
    if (e.kind === 'created') {
      unseen++;
      counter.hidden = false;
      counter.textContent = t('dispatch.new', { n: unseen });
      chime();
      announce(t('dispatch.newCase', { number: e.number }));
    }
    if (shownCase?.case.number === e.number) void refreshCase(e.number);
    // Many events at once (a storm, the colour sweep) refresh the map and lists once.
    clearTimeout(pending);
    pending = window.setTimeout(() => { refreshSource('cases'); refreshLists(); }, 400);
  });
}

function refreshLists(): void {
  const side = byId('side');
  if (side.dataset.view !== 'dispatch') return;
  void redYellowCounts();
  if (tab === 'queue') void reload(true);
  else if (!host) return;
  else if (tab === 'tasks') void renderTaskLists(host, (n) => openCase(n));
  else void renderWatchList(host, tab);
}

export function dispatchKeys(e: KeyboardEvent): void {
  if (caseShortcut(e)) return;
  const target = e.target as HTMLElement;
  if (target.closest('input, textarea, select')) return;
  if (e.key === 'j') step(1);
  else if (e.key === 'k') step(-1);
}

export function dispatchStyleLoaded(): void { filterMap(); theMap(); }
