import { readFileSync } from 'node:fs';
import { createDb } from './src/index.ts';
import { queryMix } from '../bench/results/queries.ts';
const { sample, now } = JSON.parse(readFileSync('/tmp/lab/sample.json', 'utf8'));
const db = createDb('postgres://postgres@127.0.0.1:5432/results_lab2');
const mix = queryMix(db as any, sample, new Date(now));
for (const q of mix) await q.run();
const res: [string, number][] = [];
for (const q of mix) { const ts = []; for (let i = 0; i < 3; i++) { const t0 = performance.now(); await q.run(); ts.push(performance.now() - t0); } ts.sort((a,b)=>a-b); res.push([q.name, ts[1]!]); }
res.sort((a, b) => b[1] - a[1]);
for (const [n, ms] of res) console.log(ms.toFixed(1).padStart(8), n);
const all = res.map(r=>r[1]).sort((a,b)=>a-b);
console.log('p50', all[Math.floor(all.length/2)], 'p95', all[Math.ceil(all.length*0.95)-1], 'load', (await import('node:os')).loadavg());
await db.destroy();
