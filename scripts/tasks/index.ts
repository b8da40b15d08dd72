import fs from "node:fs";
import path from "node:path";

// Every task file in this folder registers its Hardhat tasks on import; adding a file adds its tasks.
for (const file of fs.readdirSync(__dirname).sort()) {
  if (file !== "index.ts" && /\.ts$/.test(file) && !file.endsWith(".d.ts")) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(__dirname, file));
  }
}
