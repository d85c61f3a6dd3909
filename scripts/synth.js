#!/usr/bin/env node
/**
 * The app that cdktf.json gives the cdktf CLI: `node scripts/build.js && node dist/main.js` in one
 * node process instead of two (one process start-up less per synth). scripts/build.js transpiles the
 * sources into dist/, dist/main.js synthesizes.
 */
require('./build').build();
require('../dist/main');
