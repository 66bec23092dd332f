// The seed PReLU model in TensorFlow.js, layer for layer as models/mnist-prelu.ts (and the
// Keras tutorial): the same shapes, initial alpha 0.25, dropout, Adam at 0.001, categorical
// cross-entropy. TF.js trains it on WebGL (its WebAssembly backend lacks Conv2DBackpropFilter).

import * as tf from '@tensorflow/tfjs';

export function tfjsPrelu(): tf.Sequential {
  const alpha = (): tf.layers.Layer => tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: 0.25 }) });
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3 }),
      alpha(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3 }),
      alpha(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 256 }),
      alpha(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}
