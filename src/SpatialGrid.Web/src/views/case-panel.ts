// A case: number, class, state, grid path, component, reporter and channel, alerts, deadlines counting down live,
// history with attachments, the chain check, and a button for exactly each allowed action with the fields it needs.
// Conflicts (another dispatcher acted first: 409) are explained and offer a reload.
import { api, callerRoles, post, ApiError } from '../api';
import { cityDateTime, duration } from '../clock';
import { announce, esc } from '../dom';
import { t } from '../i18n';
import { select, fitGeometry, theMap } from '../map/mapview';
import { className } from '../taxonomy';
import { begin, failed, onLeave, panel } from './panel';
import type { CaseDetail } from './types';

/** What each action asks for, and its keyboard shortcut. */
const actionFields: Record<string, { fields: string[]; key?: string; primary?: boolean }> = {
  accept: { fields: ['note'], key: 'a', primary: true },
  reject: { fields: ['note!'], key: 'r' },
  dispatch: { fields: ['unit', 'note'], key: 'd', primary: true },
  return: { fields: ['note'] },
  escalate: { fields: ['leadUnit', 'coUnits', 'note'] },
  arrive: { fields: ['note'] },
  feedback: { fields: ['note!', 'attachments'], key: 'f' },
  verify: { fields: ['lon', 'lat', 'note', 'attachments'], key: 'v' },
  rework: { fields: ['note'] },
  close: { fields: ['satisfaction', 'note'], key: 'c', primary: true },
  'carry-over': { fields: ['reviewDate', 'note'] },
  resume: { fields: ['note'] },
};

export let shownCase: CaseDetail | null = null;
const changed: ((c: CaseDetail) => void)[] = [];
export const onCaseChanged = (f: (c: CaseDetail) => void): void => { changed.push(f); };
const acted: ((c: CaseDetail) => void)[] = [];
/** Called after this browser acted on a case (the lists and the map follow at once, before the event stream says so). */
export const onCaseActed = (f: (c: CaseDetail) => void): void => { acted.push(f); };

export const badge = (colour: string): string =>
  `<span class="badge urgency-${esc(colour)}"><span class="shape ${esc(colour)}" aria-hidden="true"></span>${esc(t(`colour.${colour}`))}</span>`;

export async function showCase(number: string, opts: { fly?: boolean; position?: () => [number, number] | null } = {}): Promise<void> {
  const current = begin();
  let c: CaseDetail;
  try { c = await api<CaseDetail>(`/api/cases/${encodeURIComponent(number)}`); } catch (e) { if (current()) failed(e); return; }
  if (!current()) return;
  render(c, opts.position);
  select('case', c.case.number);
  if (opts.fly) fitGeometry(c.case.location, 17);
  // Deadlines count down while the panel is open; the case is read anew every minute (and on its events).
  const tick = setInterval(() => countDown(), 15000);
  const reload = setInterval(async () => { if (shownCase?.case.number === number) await refreshCase(number); }, 60000);
  onLeave(() => { clearInterval(tick); clearInterval(reload); shownCase = null; select(null); });
}

/** Reads the shown case again (an event said it changed) without losing an open form. */
export async function refreshCase(number: string, force = false): Promise<void> {
  if (shownCase?.case.number !== number || (!force && panel().querySelector('form.action-form'))) return;
  try {
    const c = await api<CaseDetail>(`/api/cases/${encodeURIComponent(number)}`);
    if (shownCase?.case.number === number) render(c);
  } catch { /* keep what is shown */ }
}

let positionOf: (() => [number, number] | null) | undefined;

/** Patrols work on the street (arrive, feedback, verify); the centre does the rest (the service refuses them too). */
const fieldActions = ['arrive', 'feedback', 'verify'];
function mayDo(action: string): boolean {
  const r = callerRoles();
  return r.includes('dispatcher') || r.includes('admin') || (r.includes('patrol') && fieldActions.includes(action));
}

function render(c: CaseDetail, position?: () => [number, number] | null): void {
  c = { ...c, allowedActions: c.allowedActions.filter(mayDo) };
  shownCase = c;
  if (position) positionOf = position;
  const s = c.case;
  const history = c.history.map((e) => {
    const files = Array.isArray(e.data?.attachments) ? (e.data!.attachments as string[]) : [];
    return `<li><time>${esc(cityDateTime(e.at))}</time> <b>${esc(t(`action.${e.action}`))}</b> ${esc(e.by)}
      ${e.note ? `<br><q>${esc(e.note)}</q>` : ''}${files.length ? `<br>${files.map((f) => `<a href="${esc(f)}" target="_blank" rel="noopener">📎 ${esc(f.split('/').pop())}</a>`).join(' ')}` : ''}</li>`;
  }).join('');
  panel().innerHTML = `
    <h2 data-number="${esc(s.number)}">${esc(s.number)}</h2>
    <p class="case-head">${badge(s.colour)} <span class="state">${esc(t(`state.${s.state}`))}</span> · ${esc(className(s.classCode))} <small>${esc(s.classCode)}</small></p>
    <p>${esc(s.description)}</p>
    <dl class="facts">
      <dt>${t('case.grid')}</dt><dd>${esc(c.gridPath.join(' › ') || s.districtCode)}${s.outside ? ` <em>${t('case.outside')}</em>` : ''}</dd>
      <dt>${t('case.unit')}</dt><dd>${esc(s.unit)}${c.leadUnit ? ` · ${t('case.lead')} ${esc(c.leadUnit)} ${c.coUnits.map(esc).join(', ')}` : ''}</dd>
      <dt>${t('case.source')}</dt><dd>${esc(t(`source.${s.source}`))}${c.reporter ? ` · ${esc(c.reporter.worker)}` : ''}${c.deviceId ? ` · ${t('case.device')} ${esc(c.deviceId)} ${esc(c.alertType ?? '')}` : ''}</dd>
      ${c.componentCode ? `<dt>${t('case.component')}</dt><dd><a href="#" data-component="${esc(c.componentCode)}">${esc(c.componentCode)}</a></dd>` : ''}
      <dt>${t('case.alerts')}</dt><dd class="alert-count">${s.alertCount}${c.lastAlertAt ? ` · ${t('case.lastAlert')} ${esc(cityDateTime(c.lastAlertAt))}` : ''}</dd>
      <dt>${t('case.reported')}</dt><dd>${esc(cityDateTime(s.reportedAt))}</dd>
      ${c.reviewDate ? `<dt>${t('case.review')}</dt><dd>${esc(c.reviewDate)}</dd>` : ''}
      ${c.satisfaction ? `<dt>${t('case.satisfaction')}</dt><dd>${'★'.repeat(c.satisfaction)}</dd>` : ''}
    </dl>
    <table class="stages"><caption>${t('case.deadlines')}</caption>
      <tr><th scope="col">${t('case.stage')}</th><th scope="col">${t('case.due')}</th><th scope="col">${t('case.left')}</th></tr>
      ${c.stages.map((g) => `<tr data-due="${esc(g.due)}" data-running="${g.running}"><td>${esc(t(`stage.${g.stage}`))}</td><td>${esc(cityDateTime(g.due))}</td>
        <td class="left">${g.running ? '' : g.onTime ? `✓ ${t('case.onTime')}` : `✗ ${t('case.late')}`}</td></tr>`).join('')}
    </table>
    <div class="actions" role="group" aria-label="${esc(t('case.actions'))}">
      ${c.allowedActions.map((a) => `<button type="button" data-action="${esc(a)}" class="${actionFields[a]?.primary ? 'primary' : ''}"
        ${actionFields[a]?.key ? `aria-keyshortcuts="${actionFields[a].key}" title="${esc(t('shortcut'))}: ${actionFields[a].key!.toUpperCase()}"` : ''}>${esc(t(`action.${a}`))}${actionFields[a]?.key ? ` <kbd>${actionFields[a].key!.toUpperCase()}</kbd>` : ''}</button>`).join('')}
    </div>
    <div id="action-box"></div>
    <section id="case-nodes"></section>
    <details class="history" open><summary>${t('case.history')} (${c.history.length})</summary><ol>${history}</ol>
      <p><button type="button" id="chain-check">${t('case.chain')}</button> <output id="chain-result"></output></p></details>`;
  countDown();
  panel().querySelectorAll<HTMLButtonElement>('button[data-action]').forEach((b) => b.addEventListener('click', () => openForm(b.dataset.action!)));
  panel().querySelector('#chain-check')?.addEventListener('click', checkChain);
  const nodes = panel().querySelector<HTMLElement>('#case-nodes');
  if (nodes) void import('./tasks').then((m) => m.renderNodes(nodes, s.number, s.state, () => void refreshCase(s.number, true)));
  changed.forEach((f) => f(c));
}

function countDown(): void {
  panel().querySelectorAll<HTMLTableRowElement>('table.stages tr[data-running="true"]').forEach((row) => {
    const left = (Date.parse(row.dataset.due!) - Date.now()) / 60000;
    const cell = row.querySelector('.left')!;
    cell.textContent = left >= 0 ? duration(left) : `${t('case.overdue')} ${duration(-left)}`;
    cell.classList.toggle('overdue', left < 0);
  });
}

async function checkChain(): Promise<void> {
  const out = panel().querySelector('#chain-result')!;
  try {
    const r = await api<{ intact: boolean; events: number; firstBrokenSequence: number | null }>(`/api/cases/${shownCase!.case.number}/chain`);
    out.textContent = r.intact ? `✓ ${t('case.chainIntact', { n: r.events })}` : `✗ ${t('case.chainBroken', { n: r.firstBrokenSequence ?? '?' })}`;
    out.className = r.intact ? 'ok' : 'error';
  } catch (e) { out.textContent = (e as Error).message; }
}

export function openForm(action: string): void {
  const c = shownCase;
  if (!c || !c.allowedActions.includes(action)) return;
  const spec = actionFields[action] ?? { fields: ['note'] };
  const box = panel().querySelector('#action-box')!;
  const here = action === 'verify' ? (positionOf?.() ?? [theMap().getCenter().lng, theMap().getCenter().lat]) : null;
  const field = (f: string): string => {
    const required = f.endsWith('!'), name = f.replace('!', '');
    const id = `f-${name}`;
    const label = `<label for="${id}">${esc(t(`field.${name}`))}${required ? ' *' : ''}</label>`;
    switch (name) {
      case 'note': return `${label}<textarea id="${id}" name="note" rows="2" ${required ? 'required' : ''}></textarea>`;
      case 'unit': return `${label}<input id="${id}" name="unit" value="${esc(c.case.unit)}">`;
      case 'leadUnit': return `${label}<input id="${id}" name="leadUnit" required>`;
      case 'coUnits': return `${label}<input id="${id}" name="coUnits" placeholder="${esc(t('field.commaSeparated'))}">`;
      case 'lon': return `${label}<input id="${id}" name="lon" type="number" step="any" required value="${here ? here[0].toFixed(6) : ''}">`;
      case 'lat': return `${label}<input id="${id}" name="lat" type="number" step="any" required value="${here ? here[1].toFixed(6) : ''}">`;
      case 'attachments': return `${label}<input id="${id}" name="attachments" placeholder="${esc(t('field.attachmentsHint'))}">`;
      case 'satisfaction': return `${label}<select id="${id}" name="satisfaction"><option value="">—</option>${[5, 4, 3, 2, 1].map((n) => `<option value="${n}">${'★'.repeat(n)} ${n}</option>`).join('')}</select>`;
      case 'reviewDate': return `${label}<input id="${id}" name="reviewDate" type="date" required>`;
      default: return '';
    }
  };
  box.innerHTML = `<form class="action-form" data-action="${esc(action)}"><h3>${esc(t(`action.${action}`))}</h3>
    ${spec.fields.map(field).join('')}
    <p class="form-buttons"><button class="primary" type="submit">${esc(t('confirm'))}</button> <button type="button" data-cancel>${esc(t('cancel'))}</button></p>
    <p class="form-error error" role="alert"></p></form>`;
  const form = box.querySelector('form')!;
  (form.querySelector('input, textarea, select') as HTMLElement | null)?.focus();
  form.querySelector('[data-cancel]')!.addEventListener('click', () => { box.innerHTML = ''; });
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') box.innerHTML = ''; });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body: Record<string, unknown> = { action, version: c.case.version };
    for (const [k, v] of data.entries()) {
      const value = String(v).trim();
      if (!value) continue;
      if (k === 'lon' || k === 'lat' || k === 'satisfaction') body[k] = Number(value);
      else if (k === 'coUnits' || k === 'attachments') body[k] = value.split(/[,，\s]+/).filter(Boolean);
      else body[k] = value;
    }
    const error = form.querySelector('.form-error')!;
    form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = true;
    try {
      const next = await post<CaseDetail>(`/api/cases/${encodeURIComponent(c.case.number)}/actions`, body);
      render(next);
      acted.forEach((f) => f(next));
      announce(t('case.done', { action: t(`action.${action}`), number: next.case.number, state: t(`state.${next.case.state}`) }));
    } catch (err) {
      form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = false;
      if (err instanceof ApiError && err.kind === 'version-conflict') {
        error.innerHTML = `${esc(t('case.conflict'))} <button type="button" data-reload>${esc(t('reload'))}</button>`;
        error.querySelector('[data-reload]')!.addEventListener('click', () => showCase(c.case.number));
      } else error.textContent = (err as Error).message;
      error.scrollIntoView({ block: 'nearest' });
    }
  });
}

/** The common actions from the keyboard while a case is shown (not while typing). */
export function caseShortcut(e: KeyboardEvent): boolean {
  if (!shownCase || e.ctrlKey || e.metaKey || e.altKey) return false;
  const target = e.target as HTMLElement;
  if (target.closest('input, textarea, select, [contenteditable]')) return false;
  const action = Object.entries(actionFields).find(([a, s]) => s.key === e.key.toLowerCase() && shownCase!.allowedActions.includes(a));
  if (!action) return false;
  e.preventDefault();
  openForm(action[0]);
  return true;
}
