// Test helper: asserts a DSL call throws a DslError with the given path and message.

import { strict as assert } from 'node:assert';
import { DslError, type Path } from '../../../compiler/dsl/errors';

export function assertDslError(call: () => unknown, path: Path, message: RegExp): void {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof DslError, `expected a DslError, got ${String(error)}`);
    assert.deepStrictEqual(error.path, path);
    assert.match(error.message, message);
    return true;
  });
}
