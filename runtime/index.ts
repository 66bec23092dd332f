// nnc/runtime: runs compiled models (from `nnc build`) without the compiler.

export { loadModel, type LoadOptions, type LoadedModel, type Examples, type Labels, type NestedNumbers } from './api';
export { readCompiledModel, ModelFileError } from './model-files';
export { EngineError, type Engine, type NamedTensor, type BatchResult, type TrainingState } from './engine';
export { createEngine, type EngineOptions, type CompiledBackendName } from './backends/index';
export type { HostOps } from './backends/cpu/host-ops';
export type { Evaluation } from './train/evaluate';
export type { Manifest, CompiledModelFiles, ModelIO, ParamInfo } from '../format/manifest';
