// Worker-thread entry: a plain JS shim that lets Node load the TypeScript worker through ts-node (transpile only).
// (A compiled build emits its own sweep-worker.js from sweep-worker.ts, replacing this shim.)
const path = require("node:path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
require("./sweep-worker.ts");
