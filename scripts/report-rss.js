// Preloaded by scripts/bench.js (through NODE_OPTIONS, so into every node process a measured command
// starts): appends the process's peak RSS in KiB, one line per process, to the file named in
// WEBCLUSTER_RSS_FILE when it exits.
const fs = require('fs');
process.on('exit', () => {
  if (process.env.WEBCLUSTER_RSS_FILE) {
    fs.appendFileSync(process.env.WEBCLUSTER_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
  }
});
