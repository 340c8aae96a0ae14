// Hotspot risk on the web map: the risk layer (expected cases per km² of the newest scoring, from the tiles), the
// day's riskiest grids with the model's reasons, and a team's patrol plan: the grids it should give more time
// (green outline) and those that can spare some (grey dashes), each with its one-sentence reason.
(() => {
  const { map, api, esc, panel, failed, keyOf, pickers } = window.sg;
  const box = document.getElementById('risk-layers');
  box.hidden = !keyOf();
  if (!keyOf()) return;
  const teamSelect = document.getElementById('risk-team');
  const enc = encodeURIComponent;
  const showRisk = () => {
    const toggle = document.getElementById('risk-toggle');
    if (!toggle.checked) { toggle.checked = true; toggle.dispatchEvent(new Event('change')); }
  };
  const setPlan = (more, less) => {
    if (map.getLayer('risk-more')) map.setFilter('risk-more', ['in', ['get', 'code'], ['literal', more]]);
    if (map.getLayer('risk-less')) map.setFilter('risk-less', ['in', ['get', 'code'], ['literal', less]]);
  };

  api('/api/patrols/teams').then((teams) => {
    for (const t of teams) teamSelect.insertAdjacentHTML('beforeend', `<option value="${esc(t.id)}">${esc(t.name)} (${esc(t.id)})</option>`);
  }).catch(() => {});

  const reasons = (list) => `<ul class="reasons">${list.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`;

  document.getElementById('risk-top').addEventListener('click', async () => {
    try {
      const s = await api('/api/hotspots/scores?pageSize=10');
      showRisk();
      panel.innerHTML = `<h2>Riskiest grids 高风险网格 · ${esc(s.date)}</h2>
        <p class="note">Model 模型 v${s.model}: expected cases today 今日预计案件</p>
        <ol>${s.items.map((g) => `<li data-risk-grid="${esc(g.grid)}"><b>${esc(g.name || g.grid)}</b> <small>${esc(g.grid)}</small>
          · ${g.expected.toFixed(2)} ${reasons(g.explanation)}</li>`).join('')}</ol>`;
    } catch (err) { failed(err); }
  });

  teamSelect.addEventListener('change', async () => {
    const team = teamSelect.value;
    if (!team) { setPlan([], []); return; }
    try {
      const plan = await api(`/api/hotspots/recommendations?team=${enc(team)}`);
      const t = plan.teams[0];
      showRisk();
      setPlan(t.grids.filter((g) => g.action === 'more').map((g) => g.grid), t.grids.filter((g) => g.action === 'less').map((g) => g.grid));
      panel.innerHTML = `<h2 data-plan="${esc(t.team)}">${esc(t.name)} · ${esc(plan.date)}</h2>
        <p>${esc(t.summary)}</p>
        <table><tr><th>Grid 网格</th><th>risk</th><th>min now</th><th>suggested</th></tr>
        ${t.grids.filter((g) => g.action !== 'keep').map((g) => `<tr class="plan-${g.action}" title="${esc(g.reason)}"><td>${esc(g.name || '')} <small>${esc(g.grid)}</small></td>
          <td>${g.expected.toFixed(2)}</td><td>${Math.round(g.currentMinutes)}</td><td>${Math.round(g.suggestedMinutes)}</td></tr>`).join('')}</table>
        <p class="note">Green outline 绿框: more patrol 增加巡查 · grey dashes 灰虚线: less 减少</p>`;
    } catch (err) { failed(err); }
  });

  // A click on a risk cell (when the risk layer is shown) opens its score and reasons.
  pickers.push({
    layer: 'risk-fill',
    open: async (feature) => {
      const p = feature.properties;
      const s = await api(`/api/hotspots/scores?date=${enc(p.day)}&grid=${enc(p.code)}`);
      const g = s.items.find((i) => i.grid === p.code);
      panel.innerHTML = `<h2>${esc(p.name || p.code)}</h2><p>Risk 风险 ${esc(p.day)}: rank ${p.rank} · ${Number(p.expected).toFixed(2)} expected cases 预计案件</p>
        ${g ? reasons(g.explanation) : ''}`;
    },
  });
})();
