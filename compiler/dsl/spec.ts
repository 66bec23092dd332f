// The DSL's spec types live in format/spec.ts: the compiled model carries them to the runtime.
export * from '../../format/spec';
