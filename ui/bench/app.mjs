// `make bench`, the app's part: the release build in the real window
// (tauri-driver, WebKitWebDriver, Xvfb), beside a blank Tauri 2 window
// (src-tauri/examples/blank_window.rs) built the same way.
//
// - cold start: from launching the binary to its first interactive screen
//   (the start screen's cards; the blank window's loaded page), median of 5;
// - memory: PSS of the whole process tree (the app and its WebKit web and
//   network processes), the app with the editor open on the preset;
// - keystroke to preview: a key typed into the title until the preview
//   shows it and the next frame is painted, on the preset and on a long
//   policy, p50 and p95 of 40 keys;
// - the release binaries' sizes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { commands, sleep, startDriver, until } from "../e2e/driver.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const app = resolve(root, "target/release/policywright-app");
const blank = resolve(root, "target/release/examples/blank_window");
const cli = resolve(root, "target/release/policywright");

const work = mkdtempSync(resolve(tmpdir(), "policywright-bench-"));
const answers = resolve(work, "dialog-answers.txt");
writeFileSync(answers, "");
const driver = await startDriver({ POLICYWRIGHT_DB: resolve(work, "library.sqlite"), POLICYWRIGHT_DIALOG_ANSWERS: answers });
let s;
const w = commands(driver.call, () => s);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Polls every few milliseconds, for timing (the e2e `until` polls slowly). */
async function soon(check, ms = 30000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await sleep(5);
  }
  throw new Error("timed out");
}

/** The process started from `binary` and every process under it. */
function tree(binary) {
  const parents = new Map();
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parents.set(pid, stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      // gone meanwhile
    }
  }
  const top = execFileSync("pgrep", ["-f", "-n", binary]).toString().trim();
  const out = [top];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (out.includes(parent) && !out.includes(pid)) {
        out.push(pid);
        grew = true;
      }
    }
  }
  return out;
}

/** PSS of each process, by its name. */
const pssOf = (pids) =>
  pids.map((pid) => {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    return { name, bytes: Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024 };
  });
const total = (each) => each.reduce((sum, p) => sum + p.bytes, 0);
const parts = (each) => each.map((p) => `${p.name} ${mib(p.bytes)}`).join(", ");

/** Launches `binary` and waits for `ready`; milliseconds. */
async function launch(binary, ready) {
  const began = performance.now();
  s = await w.start(binary);
  await soon(ready);
  return performance.now() - began;
}

async function stop() {
  await driver.call("DELETE", s).catch(() => {});
  await sleep(500);
}

const appReady = async () => (await w.count("[data-preset]")) > 0;
const blankReady = async () => (await w.exec("return document.readyState;")) === "complete";

/**
 * Keys typed into the title, each until the preview's DOM shows it. (An
 * animation frame would add the paint, but a window under Xvfb gets none.)
 */
const typing = `
  const done = arguments[arguments.length - 1];
  const tick = () => new Promise((r) => setTimeout(r, 1));
  (async () => {
    const input = document.querySelector('[data-path="document.title"]');
    const times = [];
    for (let i = 0; i < 40; i++) {
      const value = input.value + String.fromCharCode(97 + (i % 26));
      const began = performance.now();
      input.value = value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      while (!(document.querySelector(".page h1")?.textContent ?? "").includes(value)) {
        if (performance.now() - began > 5000) break;
        await tick();
      }
      times.push(performance.now() - began);
      await new Promise((r) => setTimeout(r, 60));
    }
    done(times);
  })();`;

async function keystrokes() {
  await driver.call("POST", `${s}/timeouts`, { script: 300000 });
  return w.execAsync(typing);
}

async function openEditor(open) {
  await open();
  await until("the editor", async () => (await w.count('[data-path="document.title"]')) > 0, 60000);
  await until("the preview", async () => (await w.count(".page h1")) > 0, 60000);
  await sleep(1500);
}

// A long policy: the preset's roles many times over, as a large company's
// handbook of operations roles would be.
const preset = JSON.parse(execFileSync(cli, ["new", "--preset", "operations", "--locale", "en", "-o", "-"]).toString());
const base = preset.duties.roles;
preset.duties.roles = Array.from({ length: 240 }, (_, i) => ({
  ...base[i % base.length],
  id: `role-${i + 1}`,
  title: `${base[i % base.length].title} ${Math.floor(i / base.length) + 1}`,
  reports_to: "",
}));
preset.general.scope_roles = [];
for (const level of preset.career.levels) level.roles = [];
for (const stage of preset.workflow.stages) stage.owner = "";
const long = resolve(work, "long.policy.json");
writeFileSync(long, JSON.stringify(preset));

const results = {};
try {
  const starts = { app: [], blank: [] };
  for (let i = 0; i < 5; i++) {
    starts.app.push(await launch(app, appReady));
    await stop();
    starts.blank.push(await launch(blank, blankReady));
    await stop();
  }
  results.start = { app: median(starts.app), blank: median(starts.blank) };

  await launch(blank, blankReady);
  await sleep(2000);
  results.pssBlank = pssOf(tree(blank));
  await stop();

  await launch(app, appReady);
  await openEditor(async () => {
    const card = await w.find('[data-preset="operations"][data-locale="en"]');
    await driver.call("POST", `${s}/element/${card}/click`, {});
  });
  results.pssApp = pssOf(tree(app));
  results.preset = await keystrokes();
  writeFileSync(answers, long + "\n");
  await openEditor(async () => {
    const open = await w.find('[data-action="open"]');
    await driver.call("POST", `${s}/element/${open}/click`, {});
    // The typed preset is let go of when the app asks.
    const discard = await until("the question", () => w.find('[data-action="discard"]'));
    await driver.call("POST", `${s}/element/${discard}/click`, {});
  });
  // The long policy is really the one shown (its preview runs to hundreds of pages).
  await until("the long policy in the preview", async () => (await w.exec('return document.querySelector(".page").textContent.length;')) > 200000, 60000);
  results.long = await keystrokes();
  await stop();
} finally {
  driver.kill();
}

const ms = (x) => `${Math.round(x)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
console.log("app, release build, in the real window under Xvfb:");
console.log(
  `  cold start to the first screen:  app ${ms(results.start.app)}, blank Tauri window ${ms(results.start.blank)}, ratio ${ratio(results.start.app, results.start.blank)} (goal ≤ 1.2×)`,
);
console.log(
  `  PSS of the process tree:         app with the editor open ${mib(total(results.pssApp))}, blank window ${mib(total(results.pssBlank))}, ratio ${ratio(total(results.pssApp), total(results.pssBlank))} (goal ≤ 1.25×)`,
);
console.log(`    app: ${parts(results.pssApp)}`);
console.log(`    blank window: ${parts(results.pssBlank)}`);
console.log(JSON.stringify({ preset: results.preset.map(Math.round), long: results.long.map(Math.round) }));
for (const [name, times] of [
  ["the operations preset", results.preset],
  [`a long policy (240 roles)`, results.long],
]) {
  console.log(`  keystroke to preview, ${name}: p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))} (goal p95 < 100 ms on the preset)`);
}
console.log(`  release binaries: app ${mib(statSync(app).size)}, blank window ${mib(statSync(blank).size)}`);
