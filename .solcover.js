// Test doubles under contracts/test/ are not part of the protocol; leave them out of the coverage figures.
module.exports = { skipFiles: ["test/"] };
