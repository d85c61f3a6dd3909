// A directory that lives for one jest run, for what the test files share within the run (the default
// stacks' JSON, test/stacks/default-stacks.ts). The workers start after this and inherit the variable.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  process.env.WEBCLUSTER_TEST_RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-test-run-'));
};
