import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src-main/engine/backend';
import { buildStarterModel } from './starter-architecture';
await initBackend('cpu'); (await import('./fast-conv-filter-gradient')).installFastConvFilterGradient();
const m = buildStarterModel(1, 10);

m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const n = 512;
const x = tf.randomUniform([n, 28, 28, 1]); const y = tf.oneHot(tf.randomUniform([n], 0, 10, 'int32'), 10);
let t = Date.now();
await m.fit(x, y, { batchSize: 64, epochs: 1, shuffle: false });
console.log('train img/s', n / ((Date.now() - t) / 1000));
t = Date.now(); const p = m.predict(x) as tf.Tensor; await p.data();
console.log('predict img/s', n / ((Date.now() - t) / 1000));
