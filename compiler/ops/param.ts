// A trainable parameter: attrs name, init (InitializerSpec), regularizer, constraint.
// Like input, its type is declared and its value is fed (the runtime owns the weights).

import { declaredSource } from './input';

export const param = declaredSource('param');
