// Registers cdktf's jest matchers (toHaveResourceWithProperties, ...).
require('cdktf').Testing.setupJest();
