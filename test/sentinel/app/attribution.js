// Two packages call one server: fake-axios many times in a row, then second-client (a new
// path at once, then a path fake-axios used, after a pause). VIA=fetch uses fetch in both.
'use strict';
const axios = require('fake-axios');
const second = require('second-client');
const port = +process.env.TARGET_PORT;
const base = `http://127.0.0.1:${port}`;
const viaFetch = process.env.VIA === 'fetch';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function first(path) {
  if (!viaFetch) return (await axios.get(base + path)).status;
  const r = await fetch(base + path);
  await r.text();
  return r.status;
}
(async () => {
  const out = { results: {}, errors: {} };
  for (let i = 0; i < 20; i++) await first('/shared/' + i);
  out.results.newPath = await (viaFetch ? second.fetchStatus : second.get)(base + '/second/new');
  await sleep(150);
  out.results.sharedPath = await (viaFetch ? second.fetchStatus : second.get)(base + '/shared/99');
  process.stdout.write(JSON.stringify(out) + '\n');
})();
