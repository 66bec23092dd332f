#!/usr/bin/env node
'use strict';
// The CLI ships compiled (npm's `prepare` runs tsc on install); dist/ is what users run.
require('../dist/cli/main.js').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`nnc: internal error: ${err && err.stack ? err.stack : err}`); process.exitCode = 2; },
);
