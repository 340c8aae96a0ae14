// The case heat map and the per-grid choropleth (planner): PostGIS aggregates the cases of a period and class into
// the tiles of the heat and density layers; the browser never receives the cases themselves.
import { t } from '../i18n';

export function renderHeatControls(box: HTMLElement): void {
  box.innerHTML = `<h3>${t('heat.title')}</h3><p class="note">${t('heat.pending')}</p>`;
}
