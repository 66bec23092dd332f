import { model, conv2d, maxPool2d, dropout, flatten, dense, adam, mnist } from 'nnc';

// The seed's ReLU CNN: the PReLU model's twin, with ReLU fused into conv2d/dense as Keras writes it.
export default model({
  name: 'mnist-relu',
  input: [28, 28, 1],
  layers: [
    conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
    maxPool2d({ poolSize: 2 }),
    dropout({ rate: 0.25 }),
    conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    maxPool2d({ poolSize: 2 }),
    dropout({ rate: 0.25 }),
    flatten(),
    dense({ units: 256, activation: 'relu' }),
    dense({ units: 10, activation: 'softmax' }),
  ],
  loss: 'categoricalCrossentropy',
  optimizer: adam({ learningRate: 0.001 }),
  metrics: ['accuracy'],
  fit: { batchSize: 250, epochs: 25, validationSplit: 0.2, seed: 1 },
  data: mnist(),
});
