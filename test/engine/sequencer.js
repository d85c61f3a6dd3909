// Runs the real-engine test files in a fixed order: validate, standalone, sticky, backup, swarm.
const Sequencer = require('@jest/test-sequencer').default;

const ORDER = ['validate', 'standalone', 'sticky', 'backup', 'swarm'];
const rank = (path) => {
  const i = ORDER.findIndex((name) => path.endsWith(`/${name}.engine.test.ts`));
  return i === -1 ? ORDER.length : i;
};

class EngineSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}
module.exports = EngineSequencer;
