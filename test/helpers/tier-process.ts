// Loaded into each tier's test process (node --import): core code the tests call in-process makes the
// process's own scratch directory (core/shared/scratch.ts); the CLI removes it on exit, so does this.
import { removeScratchSync } from '../../core/shared/scratch.js';

process.on('exit', removeScratchSync);
