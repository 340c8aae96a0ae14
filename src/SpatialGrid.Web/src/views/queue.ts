// The dispatcher's case queue: filters (state, colour, class, unit, source, grid, dates, text), sort, counts per
// state, and a virtually scrolled list (only the rows in view are in the page, so 10,000 cases scroll smoothly;
// pages of 100 are read as they come into view). The list and the map are in step: a row selects the case on the
// map and flies there, a case clicked on the map is marked in the list; the list is kept live by the event stream.
import { api } from '../api';
import { cityDateTime, cityMidnight, addDays } from '../clock';
import { esc, query } from '../dom';
import { t } from '../i18n';
import { theMap } from '../map/mapview';
import { className, classOptions } from '../taxonomy';
import { badge } from './case-panel';
import type { CaseSummary, Counts, Paged } from './types';

const ROW = 64, PAGE = 100;
export interface Filters { state: string; colour: string; class: string; unit: string; source: string; grid: string; from: string; to: string; q: string; sort: string }
export const filters: Filters = { state: 'open', colour: '', class: '', unit: '', source: '', grid: '', from: '', to: '', q: '', sort: 'due' };

let total = 0;
let counting = 0;
let pages = new Map<number, CaseSummary[] | Promise<void>>();
let selected = '';
let onOpen: (number: string) => void = () => {};
let list: HTMLElement, spacer: HTMLElement, rows: HTMLElement;

const states = ['open', 'reported', 'accepted', 'dispatched', 'on-scene', 'handled', 'verified', 'escalated', 'carried-over', 'closed', 'rejected'];
const sources = ['patrol', 'device', 'camera', 'resident', 'hotline', 'self'];

export function queueParams(): Record<string, string> {
  const f = filters;
  return { state: f.state, colour: f.colour, class: f.class, unit: f.unit, source: f.source, grid: f.grid,
    from: f.from ? cityMidnight(f.from) : '', to: f.to ? cityMidnight(addDays(f.to, 1)) : '', q: f.q };
}

export function renderQueue(host: HTMLElement, open: (number: string) => void): void {
  onOpen = open;
  host.innerHTML = `
    <form id="filters" class="filters" aria-label="${esc(t('queue.filters'))}">
      <div class="tabs" role="tablist" id="state-tabs"></div>
      <div class="row">
        <label>${t('queue.colour')}<select name="colour"><option value="">${t('all')}</option>
          ${['red', 'yellow', 'green'].map((c) => `<option value="${c}">${esc(t(`colour.${c}`))}</option>`).join('')}</select></label>
        <label>${t('queue.class')}<select name="class"><option value="">${t('all')}</option>
          ${classOptions().map(([c, n]) => `<option value="${esc(c)}">${esc(n)}</option>`).join('')}</select></label>
        <label>${t('queue.source')}<select name="source"><option value="">${t('all')}</option>
          ${sources.map((s) => `<option value="${s}">${esc(t(`source.${s}`))}</option>`).join('')}</select></label>
      </div>
      <div class="row">
        <label>${t('queue.unit')}<input name="unit" autocomplete="off"></label>
        <label>${t('queue.grid')}<input name="grid" inputmode="numeric" pattern="\\d{1,15}" autocomplete="off"></label>
      </div>
      <div class="row">
        <label>${t('queue.from')}<input name="from" type="date"></label>
        <label>${t('queue.to')}<input name="to" type="date"></label>
        <label>${t('queue.sort')}<select name="sort">
          ${['due', '-reported', 'reported', 'number'].map((s) => `<option value="${s}">${esc(t(`sort.${s}`))}</option>`).join('')}</select></label>
      </div>
      <div class="row"><label class="grow">${t('queue.text')}<input name="q" type="search" autocomplete="off"></label></div>
      <p class="filter-error error" role="alert"></p>
    </form>
    <p class="queue-total" aria-live="polite"></p>
    <div id="case-list" class="case-list" role="listbox" tabindex="0" aria-label="${esc(t('queue.list'))}"><div class="spacer" role="presentation"><div class="rows" role="presentation"></div></div></div>
    <p class="note queue-empty" hidden>${esc(t('queue.empty'))}</p>`;
  list = host.querySelector('#case-list')!;
  spacer = list.querySelector('.spacer')!;
  rows = list.querySelector('.rows')!;
  const form = host.querySelector<HTMLFormElement>('#filters')!;
  for (const [k, v] of Object.entries(filters)) { const el = form.elements.namedItem(k) as HTMLInputElement | null; if (el) el.value = v; }
  let typing = 0;
  form.addEventListener('input', (e) => {
    const el = e.target as HTMLInputElement;
    if (!(el.name in filters)) return;
    (filters as unknown as Record<string, string>)[el.name] = el.value.trim();
    clearTimeout(typing);
    typing = window.setTimeout(reload, el.type === 'search' || el.name === 'unit' || el.name === 'grid' ? 300 : 0);
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  list.addEventListener('scroll', draw, { passive: true });
  list.addEventListener('click', (e) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-number]');
    if (row) choose(row.dataset.number!);
  });
  list.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Enter') return;
    e.preventDefault();
    if (e.key === 'Enter') { if (selected) onOpen(selected); return; }
    step(e.key === 'ArrowDown' ? 1 : -1);
  });
  new ResizeObserver(draw).observe(list);
  void reload();
}

/** Moves the selection up or down the list (keys ↑ ↓, and J/K anywhere in the dispatcher's view). */
export function step(by: number): void {
  const all = [...pages.entries()].filter(([, v]) => Array.isArray(v)).flatMap(([p, v]) => (v as CaseSummary[]).map((c, i) => ({ c, i: p * PAGE + i })));
  const at = all.find((x) => x.c.number === selected)?.i ?? -1;
  const next = Math.max(0, Math.min(total - 1, at + by));
  const hit = all.find((x) => x.i === next);
  if (!hit) return;
  choose(hit.c.number);
  const top = next * ROW;
  if (top < list.scrollTop || top + ROW > list.scrollTop + list.clientHeight) list.scrollTop = top - list.clientHeight / 2;
}

function choose(number: string): void { mark(number); onOpen(number); }

/** Marks a case in the list (selected on the map or in the list). */
export function mark(number: string): void {
  selected = number;
  rows?.querySelectorAll<HTMLElement>('[data-number]').forEach((r) => { r.setAttribute('aria-selected', String(r.dataset.number === number)); });
  if (list && document.getElementById(`row-${number}`)) list.setAttribute('aria-activedescendant', `row-${number}`);
  else list?.removeAttribute('aria-activedescendant');
}

/** Reads the list anew; keep: the rows in view stay until the new ones have arrived (a live refresh, no flicker). */
export async function reload(keep = false): Promise<void> {
  const err = document.querySelector('.filter-error');
  // A reversed period is told here, in the page's language and with the dates as entered, and empties the queue.
  if (filters.from && filters.to && filters.to < filters.from) {
    ++counting;
    if (err) err.textContent = t('queue.badRange', { from: filters.from, to: filters.to });
    total = 0; pages = new Map(); draw();
    const note = document.querySelector('.queue-total');
    if (note) note.textContent = t('queue.total', { n: 0 });
    document.getElementById('state-tabs')?.replaceChildren();
    return;
  }
  const q = queueParams();
  // The map shows what the list holds: the case layer filtered by the same state, colour and class.
  filterMap();
  const mine = ++counting;
  try {
    const shown = keep ? [...pages.keys()].filter((p) => Array.isArray(pages.get(p))) : [];
    if (!keep) { pages = new Map(); if (list) list.scrollTop = 0; }
    const [counts, fresh] = await Promise.all([api<Counts>(`/api/cases/counts${query({ ...q, state: '' })}`),
      Promise.all((shown.length ? shown : [0]).map((p) => fetchPage(p).then((r) => [p, r] as const)))]);
    if (mine !== counting) return;
    pages = new Map(fresh.map(([p, r]) => [p, r.items]));
    total = fresh[0]?.[1].total ?? 0;
    const note = document.querySelector('.queue-total');
    if (note) note.textContent = t('queue.total', { n: total });
    draw();
    if (err) err.textContent = '';
    renderTabs(counts);
  } catch (e) { if (mine === counting) { if (err) err.textContent = (e as Error).message; total = 0; pages = new Map(); draw(); } }
}

const fetchPage = (page: number) => api<Paged<CaseSummary>>(`/api/cases${query({ ...queueParams(), sort: filters.sort, page: page + 1, pageSize: PAGE })}`);

function renderTabs(counts: Counts): void {
  const tabs = document.getElementById('state-tabs');
  if (!tabs) return;
  const open = counts.total - (counts.states.closed ?? 0) - (counts.states.rejected ?? 0);
  tabs.innerHTML = states.map((s) => {
    const n = s === 'open' ? open : counts.states[s] ?? 0;
    return `<button type="button" role="tab" data-state="${s}" aria-selected="${filters.state === s}">${esc(t(`state.${s}`))} <span class="count">${n}</span></button>`;
  }).join('') + `<span class="colour-counts">${['red', 'yellow', 'green'].map((c) => `${badge(c)} ${counts.colours[c] ?? 0}`).join(' ')}</span>`;
  tabs.querySelectorAll<HTMLButtonElement>('button[data-state]').forEach((b) => b.addEventListener('click', () => {
    filters.state = filters.state === b.dataset.state ? '' : b.dataset.state!;
    void reload();
  }));
}

/** A page scrolled into view: read once, drawn when it arrives (unless the filters changed meanwhile). */
function load(page: number): void {
  if (pages.has(page)) return;
  const started = pages;
  pages.set(page, fetchPage(page).then((r) => {
    if (started !== pages) return;
    total = r.total;
    pages.set(page, r.items);
    draw();
  }, () => { if (started === pages) pages.delete(page); }));
}

function draw(): void {
  if (!list) return;
  spacer.style.height = `${total * ROW}px`;
  const first = Math.max(0, Math.floor(list.scrollTop / ROW) - 5), last = Math.min(total, Math.ceil((list.scrollTop + list.clientHeight) / ROW) + 5);
  const html: string[] = [];
  for (let i = first; i < last; i++) {
    const page = pages.get(Math.floor(i / PAGE));
    if (!Array.isArray(page)) { load(Math.floor(i / PAGE)); html.push(`<div class="case-row placeholder" role="presentation" style="top:${i * ROW}px"></div>`); continue; }
    const c = page[i % PAGE];
    if (!c) continue;
    html.push(`<div class="case-row" role="option" id="row-${esc(c.number)}" data-number="${esc(c.number)}" aria-selected="${c.number === selected}" style="top:${i * ROW}px">
      <div>${badge(c.colour)} <b>${esc(c.number)}</b> <span class="state">${esc(t(`state.${c.state}`))}</span>${c.alertCount > 1 ? ` <span class="alerts" title="${esc(t('case.alerts'))}">⚡${c.alertCount}</span>` : ''}</div>
      <div class="sub">${esc(className(c.classCode))} · ${esc(c.unit)} · ${esc(cityDateTime(c.reportedAt))}</div>
      <div class="sub desc">${esc(c.description)}</div></div>`);
  }
  rows.innerHTML = html.join('');
  const empty = document.querySelector<HTMLElement>('.queue-empty');
  if (empty) empty.hidden = total > 0;
  if (selected && !document.getElementById(`row-${selected}`)) list.removeAttribute('aria-activedescendant');
}

const stateIndex: Record<string, string[]> = { open: ['reported', 'accepted', 'dispatched', 'on-scene', 'handled', 'verified', 'escalated', 'carried-over'] };
export function filterMap(): void {
  const map = theMap();
  if (!map?.getLayer('cases')) return;
  // Clusters (count > 1) are left as they are: they hold every open case of their square.
  const all: unknown[] = ['all', ['!', ['>', ['coalesce', ['get', 'count'], 1], 1]]];
  if (filters.state) all.push(['in', ['get', 'state'], ['literal', stateIndex[filters.state] ?? [filters.state]]]);
  if (filters.colour) all.push(['==', ['get', 'colour'], filters.colour]);
  if (filters.class) all.push(['==', ['slice', ['get', 'class'], 0, filters.class.length], filters.class]);
  map.setFilter('cases', all as maplibregl.FilterSpecification);
}
