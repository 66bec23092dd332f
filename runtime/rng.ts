// The runtime shares the compiler's RNG so masks, shuffles and initial weights come from one generator family.
export { Rng, type RngState } from '../compiler/ir/rng';
