// Preloaded by scripts/bench.js: reports the process's peak RSS (KiB) to the file named in
// WEBCLUSTER_RSS_FILE when it exits.
const fs = require('fs');
process.on('exit', () => {
  if (process.env.WEBCLUSTER_RSS_FILE) {
    fs.writeFileSync(process.env.WEBCLUSTER_RSS_FILE, String(process.resourceUsage().maxRSS));
  }
});
