// The dispatcher's queue at 10,000 cases: virtual scrolling keeps a screenful of rows in the page and reads only the
// pages of 100 that come into view. Against the running service (deploy/test.sh): 10,000 closed cases are added to
// its database (copies of a closed demo case, reported 200 days ago, so that no other view's period holds them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openMap } from './open-map.mjs';

const run = promisify(execFile);
const ADDED = 10_000, ROW = 64;
let page, errors, close, closedTotal;

async function sql(text) {
  assert.ok(process.env.SG_WEB_PG_PORT && process.env.SG_WEB_DB, 'SG_WEB_PG_PORT and SG_WEB_DB name the service\'s database');
  const { stdout } = await run('psql', ['-h', '127.0.0.1', '-p', process.env.SG_WEB_PG_PORT, '-U', 'postgres', '-d', process.env.SG_WEB_DB,
    '-v', 'ON_ERROR_STOP=1', '-Atqc', text], { maxBuffer: 16 << 20 });
  return stdout.trim();
}

before(async () => {
  // Every column but the identity, the generated ones and the number is copied from one closed case.
  await sql(`DO $$
    DECLARE cols text; picked text;
    BEGIN
      SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position),
             string_agg('c.' || quote_ident(column_name), ', ' ORDER BY ordinal_position)
        INTO cols, picked
        FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = 'cases' AND is_identity = 'NO' AND is_generated = 'NEVER'
         AND column_name NOT IN ('number', 'reported_at');
      EXECUTE format('INSERT INTO cases (number, reported_at, %s)
        SELECT c.district_code || ''-20250101-9'' || lpad(g::text, 5, ''0''), now() - interval ''200 days'' + g * interval ''1 minute'', %s
        FROM cases c, generate_series(1, ${ADDED}) g
        WHERE c.id = (SELECT min(id) FROM cases WHERE state = 7)', cols, picked);
    END $$`);
  closedTotal = Number(await sql('SELECT count(*) FROM cases WHERE state = 7'));
  assert.ok(closedTotal >= ADDED, `${closedTotal} closed cases`);
  ({ page, errors, close } = await openMap({ view: 'dispatch', waitForCases: false }));
});

after(async () => { await close?.(); });

test('10,000 cases scroll as a screenful of rows, reading only the pages in view', async () => {
  const reads = [];
  page.on('request', (r) => { if (/\/api\/cases\?/.test(r.url())) reads.push(new URL(r.url()).searchParams.get('page')); });
  await page.click('#state-tabs button[data-state="closed"]');
  await page.waitForFunction((h) => document.querySelector('#case-list .spacer')?.style.height === `${h}px`, closedTotal * ROW, { timeout: 20000 });
  await page.waitForSelector('#case-list .case-row[data-number]');

  const rowsAt = async (index) => {
    await page.evaluate((top) => { document.getElementById('case-list').scrollTop = top; }, index * ROW);
    await page.waitForFunction((top) => [...document.querySelectorAll('#case-list .case-row[data-number]')]
      .some((r) => parseInt(r.style.top, 10) === top), index * ROW, { timeout: 20000 });
    return page.evaluate(() => [...document.querySelectorAll('#case-list .case-row')].map((r) => ({ top: parseInt(r.style.top, 10), number: r.dataset.number })));
  };
  const middle = await rowsAt(Math.floor(closedTotal / 2));
  const last = await rowsAt(closedTotal - 1);
  for (const shown of [middle, last]) {
    assert.ok(shown.length > 0 && shown.length < 60, `${shown.length} rows in the page, not ${closedTotal}`);
    assert.equal(new Set(shown.map((r) => r.number)).size, shown.length, 'each row once');
  }
  assert.equal(Math.max(...last.map((r) => r.top)), (closedTotal - 1) * ROW, 'the last case is drawn at the end of the list');
  // The first page, the middle's and the end's (and their neighbours in view): a handful of reads, not a hundred.
  const pagesRead = new Set(reads);
  assert.ok(pagesRead.size <= 8, `pages read: ${[...pagesRead].join(', ')}`);
  assert.ok(pagesRead.has(String(Math.floor((closedTotal - 1) / 100) + 1)) || pagesRead.has(String(Math.floor((closedTotal - 1) / 100))),
    `the last page was read (${[...pagesRead].join(', ')})`);
  assert.deepEqual(errors, []);
});
