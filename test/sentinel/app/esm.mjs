// ESM variant: node:http imported, fetch, and a dependency loaded through import.
import http from 'node:http';
import dns from 'node:dns';
import axios from 'fake-axios';

const port = +process.env.TARGET_PORT;
const out = { results: {}, errors: {} };
const r = await fetch(`http://127.0.0.1:${port}/esm/fetch`);
await r.text();
out.results.fetch = r.status;
out.results.http = await new Promise((resolve, reject) => {
  http.get({ host: '127.0.0.1', port, path: '/esm/http', agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject);
});
out.results.axios = (await axios.get(`http://127.0.0.1:${port}/esm/axios`)).status;
out.results.dns = await new Promise((resolve) => dns.lookup('localhost', { all: true }, (err, addrs) => resolve(err ? String(err) : addrs.length)));
process.stdout.write(JSON.stringify(out) + '\n');
