// Removes the run's directory of test/global-setup.js.
const fs = require('fs');

module.exports = async () => {
  const dir = process.env.WEBCLUSTER_TEST_RUN_DIR;
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
};
