// The standard's evaluation (综合评价) in the planner's view: people graded A–E by role, areas and units ranked on
// the six indicators, every figure a link to the cases behind it (and from there to their history chains), and the
// district's monthly report (an A4 page; the browser's print makes the PDF).
import { api, authHeaders, text } from '../api';
import { cityDay } from '../clock';
import { download, esc, query } from '../dom';
import { t } from '../i18n';
import { begin, failed, panel } from './panel';

interface Figure { numerator: number; denominator: number; value: number | null; rank: number | null; cases: string }
interface PersonRow { role: string; person: string; score: number | null; grade: string | null; rank: number | null; missing: string[]; indicators: Record<string, Figure> }
interface AreaRow { key: string; name: string | null; indicators: Record<string, Figure> }
interface Table<T> { period: { label: string }; items: T[]; total: number }
interface Traced { number: string; state: string | null; place: string | null; unit: string | null; met: boolean; chain: string }

const ev = { period: cityDay().slice(0, 7), by: 'role', level: 'street' };
/** Counts (cases accepted, dispatches, opened) as numbers; rates as percentages; no data as a dash. */
const counts = new Set(['accepted', 'dispatches', 'opened']);
const pct = (f: Figure | undefined, name = '') => (counts.has(name) ? String(f?.numerator ?? 0)
  : f?.value === null || f?.value === undefined ? '—' : `${Math.round(f.value * 1000) / 10} %`);

export function renderEvaluation(box: HTMLElement): void {
  box.innerHTML = `<h3>${t('eval.title')}</h3>
    <form id="eval-form" class="filters"><div class="row">
      <label>${t('eval.period')}<input type="month" name="period" value="${ev.period}"></label>
      <label>${t('plan.by')}<select name="by">${['role', 'person', 'area', 'unit'].map((b) => `<option value="${b}" ${b === ev.by ? 'selected' : ''}>${esc(t(`eval.by.${b}`))}</option>`).join('')}</select></label>
      <label>${t('eval.level')}<select name="level">${['district', 'street', 'community', 'grid'].map((l) => `<option value="${l}" ${l === ev.level ? 'selected' : ''}>${esc(t(`eval.level.${l}`))}</option>`).join('')}</select></label>
    </div><p class="form-buttons"><button type="button" id="eval-csv">${t('plan.csv')}</button> <button type="button" id="eval-report">${t('eval.report')}</button></p></form>
    <div id="eval-table"></div>`;
  const form = box.querySelector<HTMLFormElement>('#eval-form')!;
  form.addEventListener('change', () => {
    const d = new FormData(form);
    ev.period = String(d.get('period') || ev.period);
    ev.by = String(d.get('by'));
    ev.level = String(d.get('level'));
    void draw(box);
  });
  const q = () => query({ period: ev.period, by: ev.by, level: ev.by === 'area' ? ev.level : undefined, pageSize: 200 });
  box.querySelector('#eval-csv')!.addEventListener('click', async () => {
    try { download(`evaluation-${ev.by}-${ev.period}.csv`, await text(`/api/evaluation${q()}&format=csv`)); } catch (e) { failed(e); }
  });
  box.querySelector('#eval-report')!.addEventListener('click', async () => {
    // The report is an HTML page behind the key: fetched with it and opened from memory, ready to print as PDF.
    try {
      const r = await fetch(`/api/evaluation/report${query({ period: ev.period })}`, { headers: authHeaders() });
      if (!r.ok) throw new Error(((await r.json().catch(() => ({}))) as { detail?: string }).detail ?? r.statusText);
      window.open(URL.createObjectURL(new Blob([await r.text()], { type: 'text/html' })), '_blank');
    } catch (e) { failed(e); }
  });
  void draw(box);
}

async function draw(box: HTMLElement): Promise<void> {
  const out = box.querySelector('#eval-table')!;
  try {
    const q = query({ period: ev.period, by: ev.by, level: ev.by === 'area' ? ev.level : undefined, pageSize: 200 });
    if (ev.by === 'role' || ev.by === 'person') {
      const tbl = await api<Table<PersonRow>>(`/api/evaluation${q}`);
      out.innerHTML = tbl.items.length ? `<table class="ranking"><caption>${esc(t('eval.people', { period: tbl.period.label }))}</caption>
        <tr><th scope="col">${t('eval.role')}</th><th scope="col">${t('eval.person')}</th><th scope="col">${t('eval.score')}</th><th scope="col">${t('eval.grade')}</th><th scope="col">#</th></tr>
        ${tbl.items.map((r) => `<tr><td>${esc(t(`eval.role.${r.role}`))}</td><td>${esc(r.person)}</td><td>${r.score ?? '—'}</td>
          <td><span class="grade grade-${esc(r.grade ?? 'none')}">${esc(r.grade ?? '—')}</span></td><td>${r.rank ?? ''}</td></tr>
          <tr class="indicators"><td colspan="5">${Object.entries(r.indicators).map(([k, f]) => `<a href="#" data-cases="${esc(f.cases)}">${esc(t(`ind.${k}`))} ${pct(f, k)}</a>`).join(' · ')}
          ${r.missing.length ? `<small class="note">${esc(t('eval.missing'))}: ${r.missing.map((m) => esc(t(`ind.${m}`))).join(', ')}</small>` : ''}</td></tr>`).join('')}</table>`
        : `<p class="note">${t('eval.none')}</p>`;
    } else {
      const tbl = await api<Table<AreaRow>>(`/api/evaluation${q}`);
      const inds = ['opened', 'closure', 'on-time-closure', 'rework', 'extension', 'on-time-handling'];
      out.innerHTML = tbl.items.length ? `<table class="ranking"><caption>${esc(t('eval.areas', { period: tbl.period.label }))}</caption>
        <tr><th scope="col">${t(`eval.by.${ev.by}`)}</th>${inds.map((i) => `<th scope="col">${esc(t(`ind.${i}`))}</th>`).join('')}</tr>
        ${tbl.items.map((r) => `<tr><td>${esc(r.name ?? r.key)} <small>${esc(r.key)}</small></td>${inds.map((i) => {
          const f = r.indicators[i];
          return `<td><a href="#" data-cases="${esc(f?.cases ?? '')}">${pct(f, i)}</a>${f?.rank ? `<small> #${f.rank}</small>` : ''}</td>`;
        }).join('')}</tr>`).join('')}</table>` : `<p class="note">${t('eval.none')}</p>`;
    }
    out.querySelectorAll<HTMLAnchorElement>('a[data-cases]').forEach((a) => a.addEventListener('click', (e) => { e.preventDefault(); void showCases(a.dataset.cases!, a.textContent ?? ''); }));
  } catch (e) { out.innerHTML = `<p class="error" role="alert">${esc((e as Error).message)}</p>`; }
}

/** The cases behind a figure, each with whether it met the indicator and its history chain. */
async function showCases(url: string, title: string): Promise<void> {
  const current = begin();
  try {
    const r = await api<{ items: Traced[] } | Traced[]>(url);
    if (!current()) return;
    const items = Array.isArray(r) ? r : r.items;
    panel().innerHTML = `<h2>${esc(title)}</h2><p class="note">${t('eval.trace')}</p><ul class="watch-list">${items.map((c) => `<li><button type="button" data-number="${esc(c.number)}">
      ${c.met ? '✓' : '✗'} <b>${esc(c.number)}</b> ${esc(c.state ? t(`state.${c.state}`) : '')}<span class="sub">${esc(c.place ?? '')} · ${esc(c.unit ?? '')}</span></button></li>`).join('')}</ul>`;
    panel().querySelectorAll<HTMLButtonElement>('button[data-number]').forEach((b) => b.addEventListener('click', async () => {
      const { showCase } = await import('./case-panel');
      void showCase(b.dataset.number!, { fly: true });
    }));
  } catch (e) { if (current()) failed(e); }
}
