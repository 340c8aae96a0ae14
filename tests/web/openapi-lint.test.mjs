// The service's OpenAPI document linted by Redocly's CLI from npm (recommended rules, tests/web/openapi/redocly.yaml),
// against the running service (deploy/test.sh starts it). Every problem fails: errors and warnings alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { base } from './open-map.mjs';

const run = promisify(execFile);
const dir = fileURLToPath(new URL('./openapi/', import.meta.url));
const redocly = fileURLToPath(new URL('./node_modules/.bin/redocly', import.meta.url));

async function lint() {
  const res = await fetch(`${base}/openapi/v1.json`);
  assert.equal(res.status, 200);
  const doc = await res.json();
  await writeFile(`${dir}openapi.json`, JSON.stringify(doc, null, 1));
  // redocly exits 1 when it finds errors; the JSON on stdout says what they are either way.
  const out = await run(redocly, ['lint', 'openapi.json', '--config', 'redocly.yaml', '--format', 'json', '--max-problems', '5000'],
    { cwd: dir, maxBuffer: 64 << 20, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } })
    .catch(e => e);
  return { doc, report: JSON.parse(out.stdout) };
}

const { doc, report } = await lint();

test('the OpenAPI document passes Redocly\'s recommended rules with no error and no warning', () => {
  const problems = report.problems
    .filter(p => !p.ignored)
    .map(p => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`);
  assert.deepEqual(problems, []);
});

test('every operation has an id, a summary, its key requirement and its errors as problem+json', () => {
  const ids = new Set();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch', 'head'].includes(method)) continue;
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(op.operationId && !ids.has(op.operationId), `${where}: a unique operationId`);
      ids.add(op.operationId);
      assert.ok(op.summary || op.description, `${where}: documented`);
      assert.ok(Array.isArray(op.security), `${where}: says whether it needs the key`);
      const errors = Object.keys(op.responses).filter(s => s.startsWith('4'));
      assert.ok(errors.length > 0, `${where}: documents its errors`);
      if (!path.startsWith('/open311/')) {
        const needsKey = op.security.some(r => 'ApiKey' in r) && !op.security.some(r => Object.keys(r).length === 0);
        if (needsKey) assert.ok(op.responses['401'], `${where}: needs the key, so documents 401`);
      }
    }
  }
  assert.equal(doc.components.securitySchemes.ApiKey.name, 'X-Api-Key');
});

test('the documented key requirement is what the service does: an operation said to need the key refuses a call without one', async () => {
  let checked = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    const op = item.get;
    if (!op || path.includes('{')) continue;
    const needsKey = op.security.some(r => 'ApiKey' in r) && !op.security.some(r => Object.keys(r).length === 0);
    const res = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
    await res.arrayBuffer();
    if (needsKey) assert.equal(res.status, 401, `GET ${path} without a key`);
    else assert.notEqual(res.status, 401, `GET ${path} is documented as open`);
    checked++;
  }
  assert.ok(checked > 20, `${checked} operations checked`);
});
