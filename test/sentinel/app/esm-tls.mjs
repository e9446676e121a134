// ESM variant over TLS: node:https imported by name, never required. Two sequential requests.
import { get } from 'node:https';

const port = +process.env.TLS_PORT;
const out = { results: {}, errors: {} };
function one(path) {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, servername: 'sentinel.test', rejectUnauthorized: false, agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject);
  });
}
out.results.first = await one('/tls/esm/first');
out.results.second = await one('/tls/esm/second');
process.stdout.write(JSON.stringify(out) + '\n');
