// Registers cdktf's jest matchers (toHaveResourceWithProperties, ...). Loaded from the adapter itself,
// what Testing.setupJest() calls, so a test file that never touches cdktf does not load all of it.
require('cdktf/lib/testing/adapters/jest').setupJest();
