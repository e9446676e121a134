// Test app: calls local servers with fetch, fake-axios, http.request; telemetry-lib phones home;
// one destination may be denied by policy. Prints one JSON line with what happened.
'use strict';
if (process.env.POLLUTE === '1') { Object.prototype.polluted = 'yes'; Object.prototype.toJSON2 = function () {}; }
const http = require('http');
const axios = require('fake-axios');
const telemetry = require('telemetry-lib');

const port = +process.env.TARGET_PORT;
const blockedPort = +process.env.BLOCKED_PORT;
const out = { results: {}, errors: {} };

function httpGet(host, p, path) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: p, path, agent: false, headers: { 'x-app': '1' } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end();
  });
}
async function attempt(name, fn) {
  try { out.results[name] = await fn(); } catch (e) { out.errors[name] = String((e && e.cause && e.cause.message) || (e && e.message) || e); }
}

async function main() {
  const phoned = telemetry.phoneHome();
  await attempt('app-fetch', async () => { const r = await fetch(`http://127.0.0.1:${port}/app/fetch/42?user=7&x=1`, { headers: { 'x-app': '1', authorization: 'Bearer secret-value' } }); await r.text(); return r.status; });
  await attempt('app-http', () => httpGet('127.0.0.1', port, '/app/http'));
  await attempt('axios', async () => (await axios.get(`http://127.0.0.1:${port}/axios/get`)).status);
  if (blockedPort) {
    await attempt('blocked-fetch', async () => { const r = await fetch(`http://localhost:${blockedPort}/blocked/fetch`); await r.text(); return r.status; });
    await attempt('blocked-http', () => httpGet('localhost', blockedPort, '/blocked/http'));
  }
  if (process.env.WS === '1') out.results.ws = await telemetry.openSocket();
  if (process.env.TLS_PORT) {
    await attempt('tls', () => new Promise((resolve, reject) => {
      require('https').get({ host: '127.0.0.1', port: +process.env.TLS_PORT, path: '/tls/get', servername: 'sentinel.test', rejectUnauthorized: false, agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject);
    }));
  }
  if (process.env.SPAWN_SHELL === '1') {
    const srv = http.createServer(() => {}).listen(0, '127.0.0.1');
    require('child_process').execSync('true');
    srv.close();
  }
  if (process.env.WORKER === '1') {
    const { Worker } = require('worker_threads');
    await new Promise((resolve) => {
      const w = new Worker(`fetch('http://127.0.0.1:${port}/worker/fetch').then(r => r.text()).then(() => require('worker_threads').parentPort.postMessage('ok'), (e) => require('worker_threads').parentPort.postMessage(String(e)))`, { eval: true });
      w.on('message', (m) => { out.results.worker = m; w.terminate().then(resolve); });
      w.on('error', (e) => { out.errors.worker = String(e); resolve(); });
    });
  }
  if (process.env.LOOP_MS) {
    const end = Date.now() + +process.env.LOOP_MS;
    let n = 0;
    while (Date.now() < end && n < 100000) { await httpGet('127.0.0.1', port, '/loop/' + n); n++; }
    out.results.loop = n;
  }
  if (process.env.BUSY_MS) {
    const end = Date.now() + +process.env.BUSY_MS;
    while (Date.now() < end) { /* block the event loop */ }
    await new Promise((r) => setTimeout(r, 300));
  }
  out.results.telemetry = await phoned;
  out.results.polluted = ({}).polluted || null;
  process.stdout.write(JSON.stringify(out) + '\n');
}
main();
