import { model, conv2d, prelu, maxPool2d, dropout, flatten, dense, zeros, adam, mnist } from 'nnc';

export default model({
  name: 'mnist-prelu-zeros',
  input: [28, 28, 1],                       // channels-last, like Keras
  layers: [
    conv2d({ filters: 32, kernelSize: 3 }),
    prelu({ alphaInitializer: zeros() }),
    maxPool2d({ poolSize: 2 }),
    dropout({ rate: 0.25 }),
    conv2d({ filters: 64, kernelSize: 3 }),
    prelu({ alphaInitializer: zeros() }),
    maxPool2d({ poolSize: 2 }),
    dropout({ rate: 0.25 }),
    flatten(),
    dense({ units: 256 }),
    prelu({ alphaInitializer: zeros() }),
    dense({ units: 10, activation: 'softmax' }),
  ],
  loss: 'categoricalCrossentropy',
  optimizer: adam({ learningRate: 0.001 }),
  metrics: ['accuracy'],
  fit: { batchSize: 250, epochs: 25, validationSplit: 0.2, seed: 1 },
  data: mnist(),
});
