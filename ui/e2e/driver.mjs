// The WebDriver client the e2e suite and the app benchmark share: the real
// app window, driven through tauri-driver and WebKitWebDriver.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";

export const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
export const CTRL = "\uE009";
export const SHIFT = "\uE008";
export const ESCAPE = "\uE00C";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns something truthy, or fails with `what`. */
export async function until(what, check, ms = 15000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

/**
 * Starts tauri-driver with `env` for the app it launches. Its own log is
 * kept, for a failure to show: it prints a backtrace each time the app it
 * drives goes away, which journeys that close or kill the app do on purpose.
 */
export async function startDriver(env, port = 4444) {
  const base = `http://127.0.0.1:${port}`;
  let log = "";
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  for (const stream of [driver.stdout, driver.stderr]) stream.on("data", (d) => (log = (log + d).slice(-20000)));
  async function call(method, path, body) {
    const res = await fetch(base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
    return json.value;
  }
  // The driver takes a moment to listen; a session asked for too early fails.
  await until("tauri-driver /status", async () => (await fetch(base + "/status")).ok);
  return { call, log: () => log, kill: () => driver.kill() };
}

/** A session's commands, for the session `path()` names now (it changes when the app is started again). */
export function commands(call, path) {
  const find = async (css) => (await call("POST", `${path()}/element`, { using: "css selector", value: css }))[ELEMENT];
  return {
    /** Starts the app; the session's path. Send only `tauri:options`. */
    start: async (application) => {
      const session = await call("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application } } } });
      return `/session/${session.sessionId}`;
    },
    find,
    text: async (css) => call("GET", `${path()}/element/${await find(css)}/text`),
    count: async (css) => (await call("POST", `${path()}/elements`, { using: "css selector", value: css })).length,
    valueOf: async (css) => call("GET", `${path()}/element/${await find(css)}/property/value`),
    enabled: async (css) => call("GET", `${path()}/element/${await find(css)}/enabled`),
    exec: (script, args = []) => call("POST", `${path()}/execute/sync`, { script, args }),
    execAsync: (script, args = []) => call("POST", `${path()}/execute/async`, { script, args }),
    /** Keys pressed together, as a person presses a shortcut. */
    press: async (...keys) => {
      const down = keys.map((value) => ({ type: "keyDown", value }));
      const up = [...keys].reverse().map((value) => ({ type: "keyUp", value }));
      await call("POST", `${path()}/actions`, { actions: [{ type: "key", id: "keyboard", actions: [...down, ...up] }] });
    },
    shot: async (file) => writeFileSync(file, Buffer.from(await call("GET", `${path()}/screenshot`), "base64")),
  };
}
