import { Store, trialKey } from '../../src/store/index.js';
import { rmSync, mkdirSync } from 'node:fs';
rmSync('/tmp/st/p', { recursive: true, force: true }); mkdirSync('/tmp/st/p');
const s = Store.open('/tmp/st/p/mlforge.db');
const run = s.createRun({ spec: {}, specHash: 'x', datasetHash: 'y', seed: 1, versions: { mlforge: '0', node: '1' }, outDir: '/tmp/st/p/run' });
const t = (label: string, n: number, f: (i: number) => void) => { const t0 = performance.now(); for (let i = 0; i < n; i++) f(i); console.log(label, ((performance.now() - t0) / n).toFixed(2), 'ms'); };
const id = s.upsertTrial({ runId: run.id, key: trialKey(0, 0), seq: 0, family: 'f', model: {} }).trial.id;
for (let k = 0; k < 3; k++) {
t('metrics NORMAL', 200, (i) => s.recordMetrics(id, k, i, { a: 1, b: 2 }));
t('metrics FULL', 200, (i) => s.transaction(() => s.recordMetrics(id, k, i + 1000, { a: 1, b: 2 })));
}
s.close();
