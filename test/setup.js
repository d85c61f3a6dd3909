// cdktf's per-token stack traces off before anything loads cdktf, as the app has them
// (constructs/core/token-stack-traces.ts): cdktf creates a token while it loads, and under jest every
// captured trace is source-mapped, ~65 ms per test file.
require('../constructs/core/token-stack-traces');
// Registers cdktf's jest matchers (toHaveResourceWithProperties, ...). Loaded from the adapter itself,
// what Testing.setupJest() calls, so a test file that never touches cdktf does not load all of it.
require('cdktf/lib/testing/adapters/jest').setupJest();
