// sgrid demo loop on the test city: today's cases through the standard's whole loop, with confirm and check tasks
// answered from the scene by the supervisors on shift (issue 22's "the demo city's cases run the full loop").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { adminKey, api, base } from './open-map.mjs';

const sgrid = fileURLToPath(new URL('../../src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll', import.meta.url));

test('demo loop: six of today\'s cases confirmed, opened, handled, checked and closed, one rejected, one reworked', async () => {
  const { stdout } = await promisify(execFile)('dotnet', [sgrid, 'demo', 'loop', '--cases', '6'],
    { env: { ...process.env, SGRID_API: base, SGRID_KEY: adminKey }, maxBuffer: 16 << 20 });
  // Six cases: closed, closed, not confirmed, closed, closed, reworked (DemoLoopCommand.Plan).
  const courses = [...stdout.matchAll(/case \d+\/6: (.+)/g)].map((m) => m[1].trim());
  assert.deepEqual(courses, ['confirmed, handled, checked and closed', 'confirmed, handled, checked and closed', 'not confirmed and rejected',
    'confirmed, handled, checked and closed', 'confirmed, handled, checked and closed', 'checked, failed, reworked and closed'], stdout);

  const list = await api('/api/cases?q=' + encodeURIComponent('演示闭环') + '&pageSize=100', { k: adminKey });
  assert.equal(list.status, 200);
  const cases = list.body.items;
  assert.ok(cases.length >= 6, `${cases.length} demo loop cases`);
  const closed = cases.filter((c) => c.state === 'closed');
  assert.ok(closed.length >= 5);
  for (const c of closed) {
    const nodes = (await api(`/api/cases/${c.number}/nodes`, { k: adminKey })).body;
    // The seven nodes up to check-and-close have their times, in order; evaluate comes with the period's evaluation.
    const at = Object.fromEntries(nodes.nodes.map((n) => [n.name, n.at]));
    for (const n of ['collect', 'open', 'dispatch', 'handle', 'feedback', 'check-and-close'])
      assert.ok(at[n], `${c.number}: node ${n} has a time (${JSON.stringify(nodes.nodes)})`);
    assert.equal(nodes.channel, c.source === 'authority' ? 'higher-authority' : 'public');
    const confirm = nodes.tasks.filter((t) => t.kind === 'confirm');
    const checks = nodes.tasks.filter((t) => t.kind === 'check');
    assert.equal(confirm.length, 1, `${c.number}: one confirm task`);
    assert.equal(confirm[0].outcome, 'confirmed');
    assert.equal(confirm[0].answeredBy, confirm[0].worker, 'answered by the supervisor it was sent to');
    assert.ok(checks.length >= 1 && checks.at(-1).outcome === 'passed', `${c.number}: the last check passed`);
    if (checks.length > 1) assert.equal(checks[0].outcome, 'failed');
  }
  const rejected = cases.filter((c) => c.state === 'rejected');
  assert.ok(rejected.length >= 1);
  const nodes = (await api(`/api/cases/${rejected[0].number}/nodes`, { k: adminKey })).body;
  assert.equal(nodes.tasks.find((t) => t.kind === 'confirm')?.outcome, 'not-confirmed');
});
