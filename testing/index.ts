// nnc/testing: the property-testing kit nnc tests itself with, for users who add ops or
// models. fast-check arbitraries for tensors, op cases, graphs, model specs and whole
// trainable models; gradient checks of one op, of any graph, and of a whole model file, all
// in float64 against the reference interpreter; and a compiled backend's training steps
// against the reference engine.

export * from './arbitraries/tensor';
export * from './arbitraries/spec';
export * from './arbitraries/graph';
export * from './arbitraries/model';
export {
  checkOpGradient, checkGraphGradients, prepareGradCheck, runGradCheck, formatGradCheckReport, singleOpGraph, OBJECTIVE,
  type GradCheckOptions, type GraphCheckOptions, type OpCheckOptions, type GradCheckEntry, type GradCheckReport, type GradCheckProblem,
} from './gradcheck';
export {
  checkModelGradients, checkCompiledGradients, modelFeeds, ModelCompileError,
  type ModelGradOptions, type ModelGradReport, type ParamGradResult,
} from './check-model';
export {
  compareWithReference, formatMismatch, randomModelBatch,
  type BackendComparison, type BackendMismatch, type CompareOptions,
} from './check-backends';
export { checkCompiledBackends, formatBackendsReport, type BackendCheckOptions, type BackendsReport, type BackendResult } from './check-model-backends';
