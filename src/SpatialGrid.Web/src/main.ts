// The command centre: signs in with an API key (kept for the browser session only), learns the caller's roles and
// the city's clock from /api/session, and routes to the view of each role: #/dispatch (受理/派遣), #/plan (分析),
// #/field (监督员, phone), #/screen (大屏). One map serves all of them; the event stream keeps them live.
import './styles.css';
import { api, ApiError, keyOf, onUnauthorised, setCallerRoles, setKey } from './api';
import { setUtcOffsetHours } from './clock';
import { byId, esc } from './dom';
import { initLang, lang, onLang, setLang, t } from './i18n';
import { onLiveState, startLive } from './live';
import { createMap, fitGeometry, onPick, restyle, theMap } from './map/mapview';
import { loadTaxonomy } from './taxonomy';
import { showCase, shownCase } from './views/case-panel';
import { dispatchKeys, dispatchLive, openCase, renderDispatch } from './views/dispatch';
import { renderField, myPosition } from './views/field';
import { showComponent, showGrid, type GridRef } from './views/geo-panels';
import { begin, failed, panel } from './views/panel';
import { showWorker } from './views/patrols';
import { renderPlan } from './views/plan';
import { showRiskCell } from './views/risk';
import { leaveScreen, renderScreen } from './views/screen';
import { mark, filterMap } from './views/queue';
import type { Session } from './views/types';
import { disposeCharts } from './charts';

type View = 'dispatch' | 'plan' | 'field' | 'screen';
const views: View[] = ['dispatch', 'plan', 'field', 'screen'];
let session: Session | null = null;

const defaultView = (): View => {
  const roles = session?.roles ?? [];
  if (roles.includes('dispatcher') || roles.includes('admin')) return 'dispatch';
  if (roles.includes('planner')) return 'plan';
  if (roles.includes('patrol')) return 'field';
  return 'plan';
};
const currentView = (): View => {
  const v = location.hash.replace(/^#\/?/, '').split('/')[0] as View;
  return views.includes(v) ? v : defaultView();
};

function renderTop(): void {
  document.documentElement.lang = lang();
  document.title = t('title');
  byId('views').innerHTML = views.map((v) => `<a href="#/${v}" data-view="${v}" ${currentView() === v ? 'aria-current="page"' : ''}>${esc(t(`view.${v}`))}</a>`).join('');
  byId('q').setAttribute('placeholder', t('search.placeholder'));
  byId('q-label').textContent = t('search.label');
  byId('search-go').setAttribute('aria-label', t('search.go'));
  byId('lang-label').textContent = t('language');
  (byId('lang') as HTMLSelectElement).value = lang();
  byId('who').textContent = session ? `${session.name} · ${session.roles.map((r) => t(`role.${r}`)).join(', ')}${session.cityWide ? '' : ` · ${session.scopes.join(', ')}`}` : t('signIn.anonymous');
  const out = byId('sign-out');
  out.hidden = false;
  out.textContent = session ? t('signOut') : t('signIn.button');
  document.querySelector('.skip')!.textContent = t('skip');
}

function route(): void {
  const view = currentView();
  const side = byId('side');
  if (side.dataset.view === 'screen' && view !== 'screen') leaveScreen();
  disposeCharts();
  side.dataset.view = view;
  document.body.dataset.view = view;
  renderTop();
  begin();
  panel().innerHTML = `<p class="note">${esc(t(`hint.${view}`))}</p>`;
  if (!session) side.innerHTML = `<p class="note">${esc(t('needKey'))}</p>`;
  else if (view === 'dispatch') renderDispatch(side);
  else if (view === 'plan') renderPlan(side);
  else if (view === 'field') void renderField(side, session.worker ?? null);
  else renderScreen(side);
  // The map's box changed with the layout.
  requestAnimationFrame(() => theMap()?.resize());
}

// Sign-in: a masked key field; a wrong, revoked or malformed key is told with the service's reason.
function signIn(reason = ''): void {
  const dialog = byId<HTMLDialogElement>('sign-in');
  dialog.innerHTML = `<form method="dialog" id="sign-in-form">
    <h2 id="sign-in-title">${t('signIn.title')}</h2>
    <p>${t('signIn.help')}</p>
    <label for="key">${t('signIn.key')}</label>
    <input id="key" name="key" type="password" autocomplete="off" spellcheck="false" required placeholder="sgk_…">
    <p id="sign-in-error" class="error" role="alert">${esc(reason)}</p>
    <p class="form-buttons"><button class="primary" type="submit" id="sign-in-go">${t('signIn.button')}</button>
    <button type="button" id="sign-in-skip">${t('signIn.skip')}</button></p></form>`;
  dialog.querySelector('#sign-in-skip')!.addEventListener('click', () => { dialog.close(); setKey(''); sessionStorage.setItem('sg-no-key', '1'); });
  dialog.querySelector('form')!.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = (dialog.querySelector('#key') as HTMLInputElement).value.trim();
    try {
      const s = await fetch('/api/session', { headers: { 'X-Api-Key': key } });
      if (!s.ok) {
        const p = await s.json().catch(() => ({}));
        dialog.querySelector('#sign-in-error')!.textContent = t('signIn.refused', { reason: (p as { detail?: string }).detail ?? s.statusText });
        return;
      }
      setKey(key);
      dialog.close();
      location.reload();
    } catch (err) { dialog.querySelector('#sign-in-error')!.textContent = (err as Error).message; }
  });
  if (!dialog.open) dialog.showModal();
}

async function boot(): Promise<void> {
  // The map (it needs only to know whether there is a key), the class names and the session are asked for at once: a
  // cold load does not wait for the session's round trip before it creates the map (#21).
  const keyed = !!keyOf();
  const made = theMap() ? null : createMap((e) => console.warn(e.message)).then((m) => { m.on('style.load', filterMap); });
  const names = loadTaxonomy();
  if (keyed) {
    try { session = await api<Session>('/api/session'); } catch (e) {
      session = null;
      if (e instanceof ApiError && e.status === 401) { setKey(''); signIn(t('signIn.refused', { reason: e.message })); }
    }
  }
  if (session) { setUtcOffsetHours(session.utcOffsetHours); setCallerRoles(session.roles); }
  // A first visit without a key opens the sign-in form (once a session: "continue without a key" is remembered).
  else if (!keyOf() && !sessionStorage.getItem('sg-no-key') && !byId<HTMLDialogElement>('sign-in').open) signIn();
  await made;
  await names;
  // A refused key: the map was made with the keyed layers and the class names asked for with it; both anew without it.
  if (keyed && !keyOf()) await Promise.all([restyle(), loadTaxonomy()]);
  route();
  if (session) { startLive(); }
}

// Map clicks, most specific first: a worker, cases (a stack of them becomes a list), a component, a risk cell, a grid.
onPick({ layer: 'patrols-live', open: showWorker });
// A cluster of cases opens by zooming in until its cases stand apart.
onPick({ layer: 'case-clusters', open: (f) => { theMap().easeTo({ center: (f.geometry as unknown as { coordinates: [number, number] }).coordinates, zoom: Math.max(15, theMap().getZoom() + 2) }); } });
onPick({
  layer: 'cases',
  open: (_f, all) => {
    const numbers = [...new Set(all.map((c) => String(c.properties.number)))];
    if (numbers.length === 1) { mark(numbers[0]); void showCase(numbers[0], { position: currentView() === 'field' ? myPosition : undefined }); return; }
    begin();
    panel().innerHTML = `<h2>${t('stack.title', { n: numbers.length })}</h2><ul class="watch-list">${all.filter((c, i) => all.findIndex((d) => d.properties.number === c.properties.number) === i)
      .map((c) => `<li><button type="button" data-number="${esc(c.properties.number)}"><span class="badge urgency-${esc(c.properties.colour)}"><span class="shape ${esc(c.properties.colour)}"></span>${esc(t(`colour.${c.properties.colour}`))}</span> ${esc(c.properties.number)} · ${esc(t(`state.${c.properties.state}`))}</button></li>`).join('')}</ul>`;
    panel().querySelectorAll<HTMLButtonElement>('button[data-number]').forEach((b) => b.addEventListener('click', () => openCase(b.dataset.number!, false)));
  },
});
for (const layer of ['components', 'components-line', 'components-area']) onPick({ layer, open: (f) => showComponent(String(f.properties.code)) });
onPick({ layer: 'risk-fill', open: showRiskCell });
onPick({
  layer: 'grids-fill',
  open: (_, all) => {
    // Each grid once (a grid cut by tile edges comes in pieces); a dedicated grid, the more specific, first.
    const grids = [...new Map(all.map((g) => [g.properties.code, g.properties as GridRef])).values()].sort((a, b) => Number(b.kind === 'dedicated') - Number(a.kind === 'dedicated'));
    void showGrid(grids[0].code, grids.slice(1));
  },
});

// Search: a grid code (6–15 digits), a case number (district-date-sequence) or a component code (16–17 digits).
byId('search').addEventListener('submit', async (e) => {
  e.preventDefault();
  const q = (byId('q') as HTMLInputElement).value.trim();
  const note = byId('search-result');
  note.textContent = '';
  try {
    if (/^\d{6}-\d{8}-\d+$/.test(q)) { mark(q); await showCase(q, { fly: true }); }
    else if (/^\d{16,17}$/.test(q)) await showComponent(q, true);
    else if (/^\d{6,15}$/.test(q)) await showGrid(q, [], true);
    else throw new Error(t('search.bad'));
  } catch (err) { note.textContent = (err as Error).message; failed(err); }
});

document.addEventListener('keydown', (e) => {
  if (e.key === '/' && !(e.target as HTMLElement).closest('input, textarea, select')) { e.preventDefault(); byId('q').focus(); return; }
  if (currentView() === 'dispatch' || (currentView() === 'field' && shownCase)) dispatchKeys(e);
});

byId('lang').addEventListener('change', (e) => setLang((e.target as HTMLSelectElement).value as 'zh-CN' | 'en'));
onLang(() => route());
byId('sign-out').addEventListener('click', () => { if (session) { setKey(''); location.reload(); } else signIn(); });
onUnauthorised((e) => { if (session) { session = null; setKey(''); signIn(t('signIn.refused', { reason: e.message })); } });

let liveState: Parameters<Parameters<typeof onLiveState>[0]>[0] | null = null;
onLang(() => { if (liveState) byId('live').textContent = t(`live.${liveState}`); });
onLiveState((state, detail) => {
  liveState = state;
  const live = byId('live');
  live.className = `live ${state}`;
  live.textContent = t(`live.${state}`);
  live.title = detail ?? '';
  if (state === 'refused') { session = null; setKey(''); signIn(t('signIn.refused', { reason: detail ?? '' })); }
});

window.addEventListener('hashchange', route);
initLang();
dispatchLive();
void boot().catch((e) => failed(e));
export { fitGeometry };
