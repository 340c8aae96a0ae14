// Grids and components in the panel: a grid's path, area, leader, inventory and open cases (with the other grids
// under the same click offered as links); a component's code, class, status, grid, history, devices and alerts.
import { api, keyOf } from '../api';
import { cityDateTime } from '../clock';
import { esc } from '../dom';
import { t } from '../i18n';
import { fitGeometry, select } from '../map/mapview';
import { className } from '../taxonomy';
import { begin, failed, panel } from './panel';
import type { Geometry, Paged } from './types';

interface Grid { code: string; name: string; level: string; kind: string; areaM2: number; leader: string | null; path: { code: string; name: string }[]; geometry: Geometry }
interface InventoryRow { classCode: string; nameZh: string; nameEn: string; count: number; measure: number | null }
export interface GridRef { code: string; name: string; kind: string }

export async function showGrid(code: string, others: GridRef[] = [], fly = false): Promise<void> {
  const current = begin();
  try {
    const [grid, inventory] = await Promise.all([api<Grid>(`/api/grids/${code}`), api<InventoryRow[]>(`/api/grids/${code}/inventory`)]);
    let open = '';
    if (keyOf()) {
      try { open = `<p>${t('grid.openCases')}: <b>${(await api<Paged<unknown>>(`/api/cases?state=open&grid=${code}&pageSize=1`)).total}</b></p>`; } catch { /* not a case reader */ }
    }
    if (!current()) return;
    const also = others.length
      ? `<p>${t('grid.also')}: ${others.map((o) => `<a href="#" data-grid="${esc(o.code)}" data-name="${esc(o.name)}" data-kind="${esc(o.kind)}">${esc(o.name)} <small>${esc(o.code)} · ${esc(t(`kind.${o.kind}`))}</small></a>`).join(', ')}</p>`
      : '';
    panel().innerHTML = `<h2 data-code="${esc(grid.code)}" data-kind="${esc(grid.kind)}">${esc(grid.name)}</h2>
      <p>${grid.path.map((p) => `${esc(p.name)} <small>${esc(p.code)}</small>`).join(' › ')}</p>
      <p>${t('grid.code')} <b>${esc(grid.code)}</b> · ${esc(t(`level.${grid.level}`))} · ${esc(t(`kind.${grid.kind}`))} · ${Math.round(grid.areaM2).toLocaleString()} m²</p>
      <p>${t('grid.leader')}: ${esc(grid.leader || '—')}</p>${also}${open}
      <table><caption>${t('grid.inventory')}</caption><tr><th scope="col">${t('grid.class')}</th><th scope="col">${t('grid.count')}</th><th scope="col">m / m²</th></tr>
      ${inventory.map((r) => `<tr><td>${esc(r.classCode)} ${esc(className(r.classCode))}</td><td>${r.count}</td><td>${r.measure ?? ''}</td></tr>`).join('')}</table>`;
    panel().querySelectorAll<HTMLAnchorElement>('a[data-grid]').forEach((a) => a.addEventListener('click', (e) => {
      e.preventDefault();
      const rest = others.filter((o) => o.code !== a.dataset.grid);
      void showGrid(a.dataset.grid!, [{ code: grid.code, name: grid.name, kind: grid.kind }, ...rest]);
    }));
    select('grid', grid.code);
    if (fly) fitGeometry(grid.geometry, 17);
  } catch (e) { if (current()) failed(e); }
}

interface Component { code: string; classCode: string; name: string; status: string; deptInCharge: string | null; owner: string | null; maintainer: string | null;
  installDate: string | null; grids: { grid: string; measure: number | null }[]; geometry: Geometry; updatedAt: string }
interface ComponentHistory { at: string; by: string; change: string }
interface Device { id: string; kind: string; name: string | null; gatewayId: string; recentAlerts: { type: string; severity: string; observedAt: string; caseNumber: string | null }[] }

export async function showComponent(code: string, fly = false): Promise<void> {
  const current = begin();
  try {
    const [c, history] = await Promise.all([api<Component>(`/api/components/${code}`), api<ComponentHistory[] | Paged<ComponentHistory>>(`/api/components/${code}/history`)]);
    let devices: Device[] = [];
    if (keyOf()) { try { devices = await api<Device[]>(`/api/devices?component=${encodeURIComponent(code)}`); } catch { /* not a case reader */ } }
    if (!current()) return;
    const changes = Array.isArray(history) ? history : history.items;
    panel().innerHTML = `<h2 data-component="${esc(c.code)}">${esc(c.name || className(c.classCode))}</h2>
      <p>${t('component.code')} <b>${esc(c.code)}</b> · ${esc(className(c.classCode))} <small>${esc(c.classCode)}</small></p>
      <dl class="facts">
        <dt>${t('component.status')}</dt><dd>${esc(t(`status.${c.status}`))}</dd>
        <dt>${t('case.grid')}</dt><dd>${c.grids.map((g) => `<a href="#" data-grid="${esc(g.grid)}">${esc(g.grid)}</a>`).join(', ') || '—'}</dd>
        <dt>${t('component.dept')}</dt><dd>${esc(c.deptInCharge ?? '—')}</dd>
        <dt>${t('component.owner')}</dt><dd>${esc(c.owner ?? '—')} / ${esc(c.maintainer ?? '—')}</dd>
        <dt>${t('component.installed')}</dt><dd>${esc(c.installDate ?? '—')}</dd>
      </dl>
      <h3>${t('component.devices')}</h3>
      ${devices.length ? `<ul class="devices">${devices.map((d) => `<li><b>${esc(d.id)}</b> ${esc(d.kind)} ${esc(d.name ?? '')}
        <ul>${d.recentAlerts.map((a) => `<li>${esc(cityDateTime(a.observedAt))} ${esc(a.type)} (${esc(a.severity)})${a.caseNumber ? ` → <a href="#" data-case="${esc(a.caseNumber)}">${esc(a.caseNumber)}</a>` : ''}</li>`).join('') || `<li class="note">${t('component.noAlerts')}</li>`}</ul></li>`).join('')}</ul>`
        : `<p class="note">${t('component.noDevices')}</p>`}
      <h3>${t('component.history')}</h3>
      <ol class="history">${changes.slice(0, 20).map((h) => `<li><time>${esc(cityDateTime(h.at))}</time> ${esc(h.change)} — ${esc(h.by)}</li>`).join('')}</ol>`;
    panel().querySelectorAll<HTMLAnchorElement>('a[data-grid]').forEach((a) => a.addEventListener('click', (e) => { e.preventDefault(); void showGrid(a.dataset.grid!, [], true); }));
    select('component', c.code);
    if (fly) fitGeometry(c.geometry, 18);
  } catch (e) { if (current()) failed(e); }
}
