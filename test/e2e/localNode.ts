/**
 * A real `npx hardhat node` for end-to-end tests: started on a free port in its own process group, stopped (the whole
 * group) by `stop()`; and a runner of `npx hardhat <task> --network localhost` child processes pointed at it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const PROJECT_ROOT = path.join(__dirname, "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function rpcReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export interface LocalNode {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `npx hardhat node` on a free port and waits until its JSON-RPC answers. */
export async function startLocalNode(timeoutMs = 90_000): Promise<LocalNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: PROJECT_ROOT,
    detached: true, // own process group: stop() kills npx, hardhat and anything they started
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => (log = (log + d.toString()).slice(-20_000)));
  child.stderr!.on("data", (d) => (log = (log + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      return; // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await rpcReady(url))) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with ${child.exitCode}:\n${log}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`hardhat node did not answer on ${url} within ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, process: child, output: () => log, stop };
}

/**
 * Writes the local deploy parameters (`ignition/parameters/localhost.json`), changed by `edit`, to
 * `dir/parameters.json`; returns the file and the parameters as written.
 */
export function writeLocalParameters(
  dir: string,
  edit: (parameters: ReturnType<typeof JSON.parse>) => void,
): { file: string; parameters: ReturnType<typeof JSON.parse> } {
  const parameters = JSON.parse(
    fs.readFileSync(path.join(PROJECT_ROOT, "ignition", "parameters", "localhost.json"), "utf8"),
  );
  edit(parameters);
  const file = path.join(dir, "parameters.json");
  fs.writeFileSync(file, JSON.stringify(parameters));
  return { file, parameters };
}

export interface TaskResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `--camelCase value` → `--kebab-case value`; `true` → a flag. */
export function taskArgv(task: string, args: Record<string, string | boolean>): string[] {
  const argv = ["hardhat", task, "--network", "localhost"];
  for (const [key, value] of Object.entries(args)) {
    if (value === false) continue;
    argv.push("--" + key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()));
    if (value !== true) argv.push(value);
  }
  return argv;
}

/** Runs `npx hardhat <task> --network localhost …` against `url`; resolves with the exit code and output. */
export function runHardhatTask(url: string, task: string, args: Record<string, string | boolean>): Promise<TaskResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", taskArgv(task, args), {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LOCALHOST_RPC_URL: url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d.toString()));
    child.stderr.on("data", (d) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
