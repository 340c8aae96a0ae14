// Hotspot risk for the planner: the risk layer (expected cases per km² of the newest scoring), the day's riskiest
// grids with the model's reasons, and a team's patrol plan (grids to give more time: green outline; less: grey dashes).
import type { MapGeoJSONFeature } from 'maplibre-gl';
import { api } from '../api';
import { esc } from '../dom';
import { t } from '../i18n';
import { setVisible, theMap } from '../map/mapview';
import { begin, failed, panel } from './panel';

interface Scores { date: string; model: number; items: { grid: string; name: string | null; expected: number; explanation: string[] }[] }
interface Plan { date: string; teams: { team: string; name: string; summary: string; grids: { grid: string; name: string | null; action: string; expected: number; currentMinutes: number; suggestedMinutes: number; reason: string }[] }[] }

const reasons = (list: string[]) => `<ul class="reasons">${list.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`;

function setPlan(more: string[], less: string[]): void {
  const map = theMap();
  if (map.getLayer('risk-more')) map.setFilter('risk-more', ['in', ['get', 'code'], ['literal', more]]);
  if (map.getLayer('risk-less')) map.setFilter('risk-less', ['in', ['get', 'code'], ['literal', less]]);
}

export function renderRiskControls(box: HTMLElement): void {
  box.innerHTML = `<h3>${t('risk.title')}</h3>
    <p><button id="risk-top" type="button">${t('risk.top')}</button>
    <label>${t('risk.team')} <select id="risk-team"><option value="">—</option></select></label></p>`;
  const teamSelect = box.querySelector<HTMLSelectElement>('#risk-team')!;
  api<{ id: string; name: string }[]>('/api/patrols/teams').then((teams) => {
    for (const team of teams) teamSelect.insertAdjacentHTML('beforeend', `<option value="${esc(team.id)}">${esc(team.name)} (${esc(team.id)})</option>`);
  }).catch(() => {});
  box.querySelector('#risk-top')!.addEventListener('click', async () => {
    const current = begin();
    try {
      const s = await api<Scores>('/api/hotspots/scores?pageSize=10');
      if (!current()) return;
      setVisible('risk', true);
      panel().innerHTML = `<h2>${t('risk.topTitle', { date: s.date })}</h2><p class="note">${t('risk.model', { v: s.model })}</p>
        <ol>${s.items.map((g) => `<li data-risk-grid="${esc(g.grid)}"><b>${esc(g.name || g.grid)}</b> <small>${esc(g.grid)}</small> · ${g.expected.toFixed(2)} ${reasons(g.explanation)}</li>`).join('')}</ol>`;
    } catch (e) { if (current()) failed(e); }
  });
  teamSelect.addEventListener('change', async () => {
    const team = teamSelect.value;
    if (!team) { setPlan([], []); return; }
    const current = begin();
    try {
      const plan = await api<Plan>(`/api/hotspots/recommendations?team=${encodeURIComponent(team)}`);
      if (!current()) return;
      const p = plan.teams[0];
      setVisible('risk', true);
      setPlan(p.grids.filter((g) => g.action === 'more').map((g) => g.grid), p.grids.filter((g) => g.action === 'less').map((g) => g.grid));
      panel().innerHTML = `<h2 data-plan="${esc(p.team)}">${esc(p.name)} · ${esc(plan.date)}</h2><p>${esc(p.summary)}</p>
        <table><tr><th scope="col">${t('case.grid')}</th><th scope="col">${t('risk.expected')}</th><th scope="col">${t('risk.now')}</th><th scope="col">${t('risk.suggested')}</th></tr>
        ${p.grids.filter((g) => g.action !== 'keep').map((g) => `<tr class="plan-${esc(g.action)}" title="${esc(g.reason)}"><td>${g.action === 'more' ? '▲' : '▼'} ${esc(g.name || '')} <small>${esc(g.grid)}</small></td>
          <td>${g.expected.toFixed(2)}</td><td>${Math.round(g.currentMinutes)}</td><td>${Math.round(g.suggestedMinutes)}</td></tr>`).join('')}</table>
        <p class="note">${t('risk.planLegend')}</p>`;
    } catch (e) { if (current()) failed(e); }
  });
}

export async function showRiskCell(f: MapGeoJSONFeature): Promise<void> {
  const current = begin();
  const p = f.properties as { code: string; name?: string; day: string; rank: number; expected: number };
  try {
    const s = await api<Scores>(`/api/hotspots/scores?date=${encodeURIComponent(p.day)}&grid=${encodeURIComponent(p.code)}`);
    if (!current()) return;
    const g = s.items.find((i) => i.grid === p.code);
    panel().innerHTML = `<h2>${esc(p.name || p.code)}</h2><p>${t('risk.cell', { day: p.day, rank: p.rank, expected: Number(p.expected).toFixed(2) })}</p>${g ? reasons(g.explanation) : ''}`;
  } catch (e) { if (current()) failed(e); }
}
