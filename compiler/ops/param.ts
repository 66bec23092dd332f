// A trainable parameter: attrs name, init (InitializerSpec), regularizer, constraint; with
// trainable=false, state the training step replaces instead (see isState in ir/graph.ts).
// Like input, its type is declared and its value is fed (the runtime owns the weights).

import { declaredSource } from './input';

export const param = declaredSource('param');
