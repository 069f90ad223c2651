#!/usr/bin/env -S node --max-old-space-size=192 --max-semi-space-size=2
// The published entry point runs the compiled CLI; `npm install` builds dist/ through the prepare script.
// The heap cap keeps a large initial load within koppel's memory budget: V8 otherwise lets garbage
// from the 5000-row pages pile up on a machine with memory to spare. The small young generation
// (2 MiB semi-spaces instead of up to 16) took ~45 MiB off the peak RSS of a load (docs/benchmarks.md).
import '../dist/cli/bin.js';
