// The case heat map and the per-grid choropleth (planner): PostGIS counts the cases of a period and class into the
// tiles of the heat (bins) and density (cases per km² of each responsibility grid) layers; the browser never
// receives the cases themselves. Changing the period or class points both layers at new tiles.
import { addDays, cityDay } from '../clock';
import { esc, query } from '../dom';
import { t } from '../i18n';
import { setHeatSources, setVisible } from '../map/mapview';
import { classOptions } from '../taxonomy';

const heat = { from: addDays(cityDay(), -29), to: cityDay(), class: '', state: 'all' };

export function renderHeatControls(box: HTMLElement): void {
  box.innerHTML = `<h3>${t('heat.title')}</h3>
    <form id="heat-form" class="filters">
      <div class="row"><label>${t('queue.from')}<input type="date" name="from" value="${heat.from}"></label>
        <label>${t('queue.to')}<input type="date" name="to" value="${heat.to}"></label></div>
      <div class="row"><label>${t('queue.class')}<select name="class"><option value="">${t('all')}</option>
        ${classOptions().filter(([c]) => c.startsWith('E')).map(([c, n]) => `<option value="${esc(c)}" ${c === heat.class ? 'selected' : ''}>${esc(n)}</option>`).join('')}</select></label>
        <label>${t('heat.state')}<select name="state"><option value="all">${t('all')}</option><option value="open" ${heat.state === 'open' ? 'selected' : ''}>${t('state.open')}</option></select></label></div>
      <p class="form-buttons"><button type="button" id="heat-show">${t('heat.show')}</button> <button type="button" id="density-show">${t('heat.density')}</button></p>
    </form><p class="note">${t('heat.note')}</p>`;
  const form = box.querySelector<HTMLFormElement>('#heat-form')!;
  const apply = () => {
    const d = new FormData(form);
    heat.from = String(d.get('from') || heat.from);
    heat.to = String(d.get('to') || heat.to);
    heat.class = String(d.get('class') ?? '');
    heat.state = String(d.get('state') ?? 'all');
    setHeatSources(query({ from: heat.from, to: heat.to, class: heat.class, state: heat.state }));
  };
  form.addEventListener('change', apply);
  box.querySelector('#heat-show')!.addEventListener('click', () => { apply(); setVisible('heat', true); });
  box.querySelector('#density-show')!.addEventListener('click', () => { apply(); setVisible('density', true); });
}
