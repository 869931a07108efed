// End-to-end: the real app window, driven through tauri-driver and
// WebKitWebDriver. Run under a display (`xvfb-run -a node e2e/run.mjs`) after
// `tauri build --debug --no-bundle`. Screenshots go to target/e2e/.
//
// A user fills a blank policy's lists, then starts from the Chinese preset, sees it in the preview, breaks the
// appraisal weights, sees the error next to the list and export disabled,
// fixes it, renames the policy and sees the preview follow, follows a link
// of the preview only to the browser, keeps versions and exports one.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CTRL, ESCAPE, SHIFT, commands, sleep, startDriver, until } from "./driver.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const app = process.env.POLICYWRIGHT_APP ?? resolve(root, "target/debug/policywright-app");
// Where screenshots go (`E2E_SHOTS`, e.g. a dark-theme run beside the light one).
const shots = resolve(root, process.env.E2E_SHOTS ?? "target/e2e");

// What a failing step leaves for whoever reads the CI log: the window's
// screenshot and what it says (set once the session is up).
let onFailure = async () => {};
let failures = 0;
let passes = 0;
async function step(name, f) {
  try {
    await f();
    passes++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.message}`);
    await onFailure().catch((why) => console.log(`     (the window could not be read: ${why.message})`));
    throw e;
  }
}

// A library of its own, so the test neither sees nor touches the user's,
// and file dialogs answered from a file: WebDriver cannot reach a native one.
const work = mkdtempSync(resolve(tmpdir(), "policywright-e2e-"));
const library = resolve(work, "library.sqlite");
const answers = resolve(work, "dialog-answers.txt");
writeFileSync(answers, "");
const cli = resolve(root, "target/debug/policywright");
// The web view keeps its local storage (the preview's width, the interface
// language) under the XDG folders: a run of its own starts from none, so a
// width one run left behind cannot pin the next at the widest.

// A throw-away PostgreSQL cluster on a Unix socket in a folder of its own,
// as the Rust tests start one (tests/it/pg.rs): a real server, no mock.
// initdb and the server refuse root, so as root they run as `postgres`.
function startServer() {
  const bins = readdirSync("/usr/lib/postgresql").map((v) => resolve("/usr/lib/postgresql", v, "bin")).filter((d) => existsSync(resolve(d, "initdb")));
  if (bins.length === 0) throw new Error("PostgreSQL is not installed (.ci/setup installs Debian's postgresql)");
  const bin = bins.sort().at(-1);
  const root = process.getuid?.() === 0;
  const as = (program, args) => (root ? execFileSync("runuser", ["-u", "postgres", "--", resolve(bin, program), ...args], { stdio: "pipe" }) : execFileSync(resolve(bin, program), args, { stdio: "pipe" }));
  const dir = mkdtempSync(resolve(tmpdir(), "pw-e2e-pg-"));
  if (root) execFileSync("chown", ["postgres:", dir]);
  const data = resolve(dir, "data");
  as("initdb", ["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "-D", data]);
  writeFileSync(resolve(data, "postgresql.conf"), `${readFileSync(resolve(data, "postgresql.conf"), "utf8")}\nlisten_addresses = ''\nunix_socket_directories = '${dir}'\nfsync = off\n`);
  as("pg_ctl", ["-w", "-D", data, "-l", resolve(dir, "log"), "start"]);
  return {
    socket: dir,
    user: "postgres",
    address: `postgres://postgres@/postgres?host=${dir}`,
    // The draft another desktop saves: the preset, retitled.
    policyFile() {
      const file = resolve(work, "other-desktop.policy.json");
      execFileSync(cli, ["new", "--preset", "operations", "--locale", "zh-CN", "-o", file, "--force"], { stdio: "pipe" });
      const policy = JSON.parse(readFileSync(file, "utf8"));
      policy.document.title = "另一台电脑上的草稿";
      writeFileSync(file, JSON.stringify(policy));
      return file;
    },
    pause() {
      as("pg_ctl", ["-w", "-D", data, "-m", "fast", "stop"]);
    },
    resume() {
      as("pg_ctl", ["-w", "-D", data, "-l", resolve(dir, "log"), "start"]);
    },
    stop() {
      try {
        as("pg_ctl", ["-w", "-D", data, "-m", "immediate", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
const driver = await startDriver({
  POLICYWRIGHT_DB: library,
  POLICYWRIGHT_DIALOG_ANSWERS: answers,
  XDG_DATA_HOME: resolve(work, "data"),
  XDG_CONFIG_HOME: resolve(work, "config"),
  XDG_CACHE_HOME: resolve(work, "cache"),
});
const { call } = driver;
const driverLog = () => driver.log();
let s;
try {
  const w = commands(call, () => s);
  const { find, text, count, valueOf, enabled, press } = w;
  // A session starts the app; the journeys below start it again after it
  // closed or was killed, on the same library.
  const startApp = async () => {
    s = await w.start(app);
  };
  await startApp();
  // The problems and preview arrive a moment after each change and can move
  // what is below them, so a click waits for them: aimed before they land it
  // may hit whatever moved into the place.
  const settled = () => until("the app to answer the last change", () => find('.app[data-settled="true"]'));
  const click = async (css) => {
    await settled();
    // Like a person, it waits for what it clicks to be on screen.
    const id = await until(css, () => find(css));
    return call("POST", `${s}/element/${id}/click`, {});
  };
  const type = async (css, value) => {
    const id = await until(css, () => find(css));
    await call("POST", `${s}/element/${id}/clear`, {});
    await call("POST", `${s}/element/${id}/value`, { text: value });
  };
  const shot = async (name) => {
    mkdirSync(shots, { recursive: true });
    await w.shot(resolve(shots, name));
  };

  onFailure = async () => {
    await shot("failed.png");
    const said = await call("POST", `${s}/execute/sync`, {
      script: `const app = document.querySelector(".app");
        return JSON.stringify({
          settled: app?.dataset.settled,
          failure: document.querySelector(".failure")?.innerText ?? null,
          status: document.querySelector("footer")?.innerText ?? null,
          form: document.querySelector(".form")?.innerText.slice(0, 600) ?? null,
        });`,
      args: [],
    });
    console.log(`     the window: ${said}`);
    console.log(`     tauri-driver said (last part):\n${driverLog().slice(-4000)}`);
  };

  await step("the start screen lists the built-in policies", async () => {
    const title = await until("the zh-CN preset card", () => text('[data-preset="operations"][data-locale="zh-CN"]'));
    if (!title.includes("运营人员岗位工作制度")) throw new Error(`card reads ${title}`);
    // An empty library leads with one obvious first step.
    const first = await until("the first step", () => text('[data-action="start-preset"]'));
    if (!/Start from the operations preset|从运营人员制度模板开始/.test(first)) throw new Error(`the first step reads ${first}`);
    await shot("start-en.png");
  });

  // Back to the start screen, letting go of a draft nothing keeps.
  const startOver = async () => {
    await click('[data-action="new"]');
    await until("the start screen or the question", async () => (await count('[data-action="discard"], .start')) > 0);
    if ((await count('[data-action="discard"]')) > 0) await click('[data-action="discard"]');
    await until("the start screen", () => find(".start"));
  };
  const language = async (lang) => {
    const select = await find('[data-action="ui-language"]');
    await call("POST", `${s}/element/${select}/click`, {});
    await click(`[data-action="ui-language"] option[value="${lang}"]`);
  };
  // The interface speaks Chinese from here on, whatever the system's language.
  await language("zh-CN");

  await step("a fault in the window's own code is said in the window, in its language", async () => {
    await call("POST", `${s}/execute/sync`, {
      script: 'setTimeout(() => { throw new Error("a test fault"); }); setTimeout(() => Promise.reject(new Error("a lost promise")));',
      args: [],
    });
    const said = await until("the fault on screen", async () => {
      const words = await text(".failure");
      return words.includes("a lost promise") ? words : null;
    });
    if (!said.startsWith("窗口出现意外错误")) throw new Error(`the window says ${said}`);
  });

  // Regression: "+ Add" did nothing (DataCloneError) for every list whose
  // items have defaults, so a blank policy could not get a single role.
  await step("a policy is built from blank through + Add and the role library, checks with 0 errors and exports", async () => {
    await click('[data-preset="blank"][data-locale="zh-CN"]');
    await until("the editor", () => find('[data-section="duties"]'));
    const add = async (section, list) => {
      await click(`[data-section="${section}"]`);
      await until(`the ${section} form`, () => find(`fieldset.list[data-path="${list}"] > button.add`));
      await click(`fieldset.list[data-path="${list}"] > button.add`);
      return until(`a new item in ${list}`, () => find(`[data-path="${list}[0]"]`));
    };
    await add("duties", "duties.roles");
    await type('[data-path="duties.roles[0].title"]', "客服专员");
    await click('fieldset.list[data-path="duties.roles[0].duties"] > button.add');
    await type('[data-path="duties.roles[0].duties[0]"]', "按时处理客户工单。");
    await until("the role in the preview", async () => (await text(".page")).includes("客服专员"));
    await until("the duty in the preview", async () => (await text(".page")).includes("按时处理客户工单"));
    // Two more roles from the built-in library, with their duties.
    await click('[data-action="role-library"]');
    await click('[data-library-role="operations-manager"]');
    await click('[data-library-role="data-analyst"]');
    await until("two roles ticked", async () => (await text('[data-action="add-roles"]')).includes("2"));
    await shot("role-library.png");
    await click('[data-action="add-roles"]');
    await until("three roles", async () => (await count('fieldset.list[data-path="duties.roles"] > .item')) === 3);
    await until("the library roles in the preview", async () => {
      const page = await text(".page");
      return page.includes("运营经理") && page.includes("数据分析员");
    });
    // No id to type or see: the role's comes from its title, and the
    // stage's owner is picked from the policy's roles by name.
    if ((await count('[data-path="duties.roles[0].id"]')) > 0) throw new Error("the role's id is on screen");
    await add("workflow", "workflow.stages");
    await type('[data-path="workflow.stages[0].name"]', "受理");
    await click('[data-path="workflow.stages[0].owner"] option[value="客服专员"]');
    await until("the owner in the preview", async () => (await text(".page")).includes("负责岗位：客服专员"));
    await click('[data-section="general"]');
    await click('[data-path="general.scope_roles"] [data-role="客服专员"]');
    await until("the scope in the preview", async () => (await text(".page")).includes("本制度适用的岗位如下"));
    await add("discipline", "discipline.groups");
    await type('[data-path="discipline.groups[0].name"]', "服务纪律");
    await click('fieldset.list[data-path="discipline.groups[0].rules"] > button.add');
    await type('[data-path="discipline.groups[0].rules[0].text"]', "不得向他人透露客户的联系方式。");
    await click('[data-path="discipline.groups[0].rules[0].consequence"] option[value="written-warning"]');
    await add("career", "career.levels");
    await type('[data-path="career.levels[0].name"]', "初级客服");
    for (const [k, name] of [[1, "中级客服"], [2, "高级客服"]]) {
      await click('fieldset.list[data-path="career.levels"] > button.add');
      await type(`[data-path="career.levels[${k}].name"]`, name);
    }
    await until("the stage, group, rule and levels in the preview", async () => {
      const page = await text(".page");
      return ["受理", "服务纪律", "不得向他人透露客户的联系方式", "初级客服", "中级客服", "高级客服"].every((word) =>
        page.includes(word),
      );
    });
    await shot("blank-added.png");
    // An indicator tree that sums to 100: two indicators, the second of
    // them split in two.
    await click('[data-section="appraisal"]');
    await click('[data-action="add-indicator"]');
    await click('[data-action="add-indicator"]');
    await type('[data-path="appraisal.indicators[0].name"]', "服务质量");
    await type('[data-path="appraisal.indicators[0].weight"]', "60");
    await type('[data-path="appraisal.indicators[1].name"]', "工作效率");
    await type('[data-path="appraisal.indicators[1].weight"]', "40");
    await click('tr:has([data-path="appraisal.indicators[1].name"]) [data-action="add-child"]');
    await click('tr:has([data-path="appraisal.indicators[1].name"]) [data-action="add-child"]');
    for (const [k, name, weight] of [[0, "工单处理量", "25"], [1, "首次响应时长", "15"]]) {
      await type(`[data-path="appraisal.indicators[1].children[${k}].name"]`, name);
      await type(`[data-path="appraisal.indicators[1].children[${k}].weight"]`, weight);
    }
    await until("the sums right", async () => (await text('[data-sum="appraisal.indicators"]')).includes("100 / 100"));
    if (!(await text('[data-sum="appraisal.indicators[1].children"]')).includes("40 / 40")) {
      throw new Error(`the subtotal reads ${await text('[data-sum="appraisal.indicators[1].children"]')}`);
    }
    await until("0 errors", async () => (await text("footer")).includes("0 个错误"));
    await until("the indicators in the preview", async () => (await text(".page")).includes("首次响应时长"));
    // It exports, and the file holds what was built.
    const exported = resolve(work, "built-from-blank.docx");
    writeFileSync(answers, exported + "\n");
    await click('[data-action="export-docx"]');
    await until("the exported file", () => existsSync(exported) && statSync(exported).size > 0);
    const body = execFileSync("python3", [
      "-c",
      "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('word/document.xml').decode())",
      exported,
    ]).toString();
    for (const word of ["客服专员", "运营经理", "数据分析员", "服务纪律", "高级客服", "首次响应时长"]) {
      if (!body.includes(word)) throw new Error(`the exported document lacks ${word}`);
    }
  });

  await step("a problem reads in words, and clicking it focuses its field", async () => {
    await click('[data-section="document"]');
    const problem = '[data-problem="workflow.stages[0].steps"]';
    const words = await until("the problem of the empty stage", () => text(problem));
    if (words.includes("[0]") || words.includes("workflow")) throw new Error(`the problem reads ${words}`);
    if (!words.includes("工作流程") || !words.includes("受理")) throw new Error(`the problem reads ${words}`);
    await click(problem);
    const focused = await until("the focus in the stage's steps", () =>
      call("POST", `${s}/execute/sync`, {
        script: 'return document.activeElement?.closest(\'[data-path="workflow.stages[0].steps"]\') ? 1 : 0;',
        args: [],
      }),
    );
    if (focused !== 1) throw new Error("the steps are not focused");
    await shot("problem-focused.png");
    // Back to the start, dropping this draft, for the preset.
    await click('[data-action="new"]');
    await click('[data-action="discard"]');
    await until("the start screen", () => find('[data-preset="operations"][data-locale="zh-CN"]'));
    await shot("start-zh-CN.png");
  });

  await step("a preset opens in the editor with its live preview", async () => {
    await click('[data-preset="operations"][data-locale="zh-CN"]');
    await until("the preview title", async () => (await text(".page h1")).includes("运营人员岗位工作制度"));
    await until("the title field", () => find('[data-path="document.title"]'));
    await shot("editor.png");
  });

  await step("weights that do not add up show an error next to the list, and export waits", async () => {
    await click('[data-section="appraisal"]');
    await type('[data-path="appraisal.indicators[0].weight"]', "50");
    const message = await until("the weight error", () => text('[data-for="appraisal.indicators"]'));
    if (!message.includes("一级指标的权重合计为 90，不是 100")) throw new Error(`message reads ${message}`);
    // The table's running sum says it too, on the row of the level that is off.
    const total = '[data-sum="appraisal.indicators"]';
    if (!(await text(total)).includes("90 / 100")) throw new Error(`the total reads ${await text(total)}`);
    if ((await count(`${total}.wrong`)) !== 1) throw new Error("the wrong total is not marked");
    if ((await count('[data-sum="appraisal.indicators[1].children"].wrong')) !== 0) throw new Error("a right subtotal is marked");
    if (await enabled('[data-action="export-docx"]')) throw new Error("export is enabled with an error");
    await shot("weight-error.png");
    // Regression: three decimals failed the whole form with a developer's
    // banner while the footer said 0 errors and export stayed enabled.
    await type('[data-path="appraisal.indicators[0].weight"]', "15.555");
    const decimals = await until("the decimals error at the field", () =>
      text('[data-for="appraisal.indicators[0].weight"]'),
    );
    if (!decimals.includes("15.555")) throw new Error(`message reads ${decimals}`);
    if ((await call("POST", `${s}/elements`, { using: "css selector", value: ".failure" })).length > 0) {
      throw new Error("a banner took the place of the field's message");
    }
    if (await enabled('[data-action="export-docx"]')) throw new Error("export is enabled with an error");
    if (!(await text("footer")).includes("1 个错误")) throw new Error(`the footer reads ${await text("footer")}`);
    await shot("weight-decimals.png");
    await type('[data-path="appraisal.indicators[0].weight"]', "60");
    await until("the error to clear", async () => (await enabled('[data-action="export-docx"]')) === true);
  });

  await step("the preview follows the text", async () => {
    await click('[data-section="document"]');
    // Regression: at its 51st letter a title's line turned into a text
    // area under the cursor, and the rest of what was typed was lost.
    const longTitle = "客服人员岗位工作制度（适用于总部、各分公司及外包服务团队的全体一线客服、质检、培训与排班管理人员）第一版";
    await type('[data-path="document.title"]', longTitle);
    await until("the whole long title in the preview", async () => (await text(".page h1")).includes(longTitle));
    await type('[data-path="document.title"]', "客服人员岗位工作制度");
    await until("the new title in the preview", async () => {
      const h1 = await text(".page h1");
      return h1.includes("客服人员岗位工作制度") && !h1.includes("适用于");
    });
  });

  await step("the preview shows the chapter being edited", async () => {
    const headingTop = (name) =>
      call("POST", `${s}/execute/sync`, {
        script: `const pane = document.querySelector(".preview");
          const h = [...pane.querySelectorAll(".page h2")].find((h) => h.textContent.includes(arguments[0]));
          return h ? Math.round(h.getBoundingClientRect().top - pane.getBoundingClientRect().top) : null;`,
        args: [name],
      });
    await click('[data-section="career"]');
    await until("the career chapter at the top of the preview", async () => {
      const top = await headingTop("职业发展");
      return top !== null && top >= 0 && top < 60;
    });
    await shot("preview-follows.png");
    await click('[data-section="document"]');
    await until("the preview back at its start", async () =>
      (await call("POST", `${s}/execute/sync`, { script: 'return document.querySelector(".preview").scrollTop;', args: [] })) === 0,
    );
  });

  await step("the preview can be hidden, shown again and made wider", async () => {
    await click('[data-action="hide-preview"]');
    await until("the preview hidden", async () => (await count(".preview:not([hidden])")) === 0);
    await click('[data-action="show-preview"]');
    await until("the preview back", async () => (await count(".preview:not([hidden])")) === 1);
    const width = () => w.exec('return document.querySelector(".preview").offsetWidth;');
    await settled();
    const before = await width();
    const splitter = await find(".splitter");
    await call("POST", `${s}/element/${splitter}/click`, {});
    // The key goes where the focus is: a click that landed a pixel beside the
    // six-pixel splitter would send it to the form instead.
    const focused = () => w.exec('return document.activeElement?.classList.contains("splitter") ?? false;');
    if (!(await focused())) await w.exec('document.querySelector(".splitter").focus(); return null;');
    await press("\uE012");
    try {
      await until("a wider preview", async () => (await width()) > before);
    } catch (e) {
      const layout = await w.exec(`return JSON.stringify({
        before: arguments[0], now: document.querySelector(".preview").offsetWidth,
        window: innerWidth, focus: document.activeElement?.className ?? null,
        stored: localStorage.getItem("policywright.previewWidth") });`, [before]);
      throw new Error(`${e.message}: ${layout}`);
    }
  });

  await step("undo and redo take back a list add and a text edit, from the keyboard", async () => {
    await click('[data-section="duties"]');
    const roles = 'fieldset.list[data-path="duties.roles"] > .item';
    const before = await count(roles);
    await click('fieldset.list[data-path="duties.roles"] > button.add');
    await until("the new role", async () => (await count(roles)) === before + 1);
    await settled();
    await press(CTRL, "z");
    await until("the role taken back", async () => (await count(roles)) === before);
    if (!(await text("footer")).includes("已撤销")) throw new Error(`the footer reads ${await text("footer")}`);
    await press(CTRL, "z");
    await until("the old title in the preview", async () => (await text(".page h1")).includes("运营人员岗位工作制度"));
    await until("the title's chapter", () => find('[data-path="document.title"]'));
    await press(CTRL, SHIFT, "z");
    await until("the new title again", async () => (await text(".page h1")).includes("客服人员岗位工作制度"));
    await press(CTRL, SHIFT, "z");
    await until("the role again", async () => (await count(roles)) === before + 1);
    // The buttons do what the keys do.
    await click('[data-action="undo"]');
    await until("the role taken back by the button", async () => (await count(roles)) === before);
    if (!(await enabled('[data-action="redo"]'))) throw new Error("redo is disabled with a step to redo");
    await press(CTRL, "/");
    const keys = await until("the shortcuts", () => text('[data-form="shortcuts"]'));
    if (!keys.includes("Ctrl+Z") || !keys.includes("撤销") || !keys.includes("保存版本")) throw new Error(`the shortcuts read ${keys}`);
    await shot("shortcuts.png");
    await press(ESCAPE);
    await until("the shortcuts closed", async () => (await count('[data-form="shortcuts"]')) === 0);
  });

  await step("a link in the preview asks before it opens, in the browser, and the window stays", async () => {
    await click('[data-section="general"]');
    const url = "https://example.com/standard";
    await type('[data-path="general.purpose"]', `依据[国家标准](${url})制定本制度。`);
    await until("the link in the preview", () => find(`.page a[href="${url}"]`));
    await click(`.page a[href="${url}"]`);
    const question = await until("the question", () => text('[data-form="open-link"]'));
    if (!question.includes(url)) throw new Error(`the question reads ${question}`);
    await shot("open-link.png");
    const here = await call("GET", `${s}/url`);
    if (!here.startsWith("tauri://")) throw new Error(`the window went to ${here}`);
    await click('[data-action="open-link"]');
    const opened = answers + ".links";
    await until("the browser asked", () => existsSync(opened) && readFileSync(opened, "utf8").trim() === url);
    // Whatever the page does, the shell keeps the window on the app.
    await call("POST", `${s}/execute/sync`, { script: "window.location.href = 'https://example.com/away'; return 1;", args: [] });
    await sleep(1000);
    const after = await call("GET", `${s}/url`);
    if (!after.startsWith("tauri://")) throw new Error(`the window went to ${after}`);
    await until("the editor still there", () => find('[data-path="general.purpose"]'));
  });

  await step("the interface switches between Chinese and English", async () => {
    // Problems speak the interface's language too, whatever the policy's.
    for (const [lang, word, problem] of [
      ["en", "Performance appraisal", "is empty"],
      ["zh-CN", "绩效考核", "为空"],
    ]) {
      await language(lang);
      await until(`${lang} labels`, async () => (await text('[data-section="appraisal"]')).includes(word));
      await until(`${lang} problems`, async () => (await text(".problems")).includes(problem));
      await shot(`ui-${lang}.png`);
    }
  });

  await step("the library keeps versions, and two versions compare on screen", async () => {
    await click('[data-action="library-add"]');
    await until("the policy in the library", async () => (await text("footer")).includes("已加入制度库"));
    const saveVersion = async (author, note, open = () => click('[data-action="save-version"]')) => {
      await open();
      await type('[data-form="save-version"] input[name="author"]', author);
      await type('[data-form="save-version"] input[name="note"]', note);
      await click('[data-action="confirm-save"]');
    };
    await saveVersion("人力资源部", "首次发布");
    await until("version 1.0", async () => (await text("footer")).includes("1.0"));
    const saved = await until("the version's date", () => text('[data-version="1.0"] time'));
    if (!/^\d{4}年\d{1,2}月\d{1,2}日$/.test(saved)) throw new Error(`version 1.0 is dated ${saved}`);
    await click('[data-section="document"]');
    await type('[data-path="document.title"]', "客服人员岗位管理制度");
    // Ctrl+S asks for the note, as the button does.
    await saveVersion("法务部", "更名", async () => {
      await settled();
      await press(CTRL, "s");
      await until("the save form", () => find('[data-form="save-version"]'));
    });
    await until("version 1.1", async () => (await text("footer")).includes("1.1"));
    await click('[data-action="compare"]');
    const diff = await until("the comparison", () => text(".page.diff"));
    if (!diff.includes("管理制度")) throw new Error(`comparison reads ${diff.slice(0, 200)}`);
    const ins = await until("a marked insertion", () => text(".page.diff ins"));
    if (!ins.includes("管理")) throw new Error(`insertion reads ${ins}`);
    await shot("compare.png");
    await click('[data-action="compare-wide"]');
    await click('[data-action="compare-side"]');
    await until("both versions across the window", () => find('.compare-screen [data-view="new"]'));
    await click('[data-change="0"]');
    await shot("compare-wide.png");
    await click('[data-action="compare-inline"]');
    await click('[data-action="compare-wide"]');
    await until("the comparison beside the form", () => find(".editor .comparison"));
    // The legal packet goes into a folder of its own in the one picked,
    // holding exactly what `diff --packet` writes.
    const picked = resolve(work, "legal");
    mkdirSync(picked, { recursive: true });
    writeFileSync(answers, picked + "\n");
    await click('[data-action="export-packet"]');
    const packet = resolve(picked, "客服人员岗位管理制度_v1.0-v1.1_packet");
    await until("the packet", () => existsSync(packet) && readdirSync(packet).length === 4);
    const fromCli = resolve(work, "cli-packet");
    execFileSync(cli, ["--db", library, "diff", "1", "1.0", "1.1", "--packet", fromCli]);
    const names = readdirSync(packet).sort();
    if (names.join(",") !== readdirSync(fromCli).sort().join(",")) throw new Error(`the packet holds ${names}`);
    for (const name of names) {
      if (!readFileSync(resolve(packet, name)).equals(readFileSync(resolve(fromCli, name)))) throw new Error(`${name} differs from the CLI's`);
    }
    if (!(await text("footer")).includes(packet)) throw new Error(`the footer reads ${await text("footer")}`);
    await click('[data-action="back-to-preview"]');
    await until("the preview again", async () => (await text(".page h1")).includes("客服人员岗位管理制度"));
    // The preview names the version just saved, as the export will.
    await until("v1.1 in the preview", async () => (await text(".page")).includes("1.1"));
  });

  await step("a version goes through sign-off in its history, with the trail shown", async () => {
    // The name for the trail is set once, in Settings.
    await click('[data-action="settings"]');
    await type('[data-form="settings"] input[name="author"]', "王芳");
    await click('[data-action="close-settings"]');
    await click('[data-action="open-history"]');
    const row = (label) => `[data-history-version="${label}"]`;
    const stepTo = async (label, to, question) => {
      await click(`${row(label)} [data-action="status-${to}"]`);
      const name = await until("the name to confirm", () => valueOf('[data-form="status-step"] input[name="by"]'));
      if (name !== "王芳") throw new Error(`the step is to be recorded as ${name}`);
      const asked = await text('[data-form="status-step"] .question');
      if (!asked.includes(question)) throw new Error(`the question reads ${asked}`);
      await click('[data-action="confirm-status"]');
      await until(`${label} ${to}`, () => find(`${row(label)}[data-status="${to}"]`));
    };
    await stepTo("1.1", "in-review", "提交审核");
    await stepTo("1.1", "approved", "批准版本 1.1");
    await stepTo("1.1", "published", "发布版本 1.1");
    const badge = await text(`${row("1.1")} .status-badge`);
    if (badge !== "已发布") throw new Error(`1.1 reads ${badge}`);
    const trail = await text('[data-trail="1.1"]');
    for (const said of ["法务部 保存", "王芳 提交审核", "王芳 批准", "王芳 发布"]) {
      if (!trail.includes(said)) throw new Error(`the trail reads ${trail}`);
    }
    // A colleague moved 1.0 on the same library meanwhile: the step the
    // screen still offers is refused in that row, in the UI's language,
    // and the row then shows where 1.0 stands.
    execFileSync(cli, ["--db", library, "status", "1", "1.0", "in-review", "--by", "李雷"]);
    await click(`${row("1.0")} [data-action="status-in-review"]`);
    await click('[data-action="confirm-status"]');
    const refused = await until("the refusal in the row", () => text(`[data-trail="1.0"] .row-error`));
    if (!refused.includes("不能从“审核中”变为“审核中”")) throw new Error(`the row says ${refused}`);
    await until("1.0 in review", () => find(`${row("1.0")}[data-status="in-review"]`));
    // What the CLI prints is what the screen shows.
    const printed = execFileSync(cli, ["--db", library, "history", "1"], { env: { ...process.env, LC_ALL: "C", LANG: "C" } }).toString();
    if (!/^1\.0\s+in review/im.test(printed) || !/^1\.1\s+published/m.test(printed)) throw new Error(`the CLI prints ${printed}`);
    // Any stored version exports from its row: the file the CLI writes.
    const fromApp = resolve(work, "app-1.0.html");
    writeFileSync(answers, fromApp + "\n");
    await click(`${row("1.0")} [data-action="export-version-html"]`);
    await until("the exported version", () => existsSync(fromApp) && statSync(fromApp).size > 0);
    const fromCli = resolve(work, "cli-1.0.html");
    execFileSync(cli, ["--db", library, "export", "1", "--version", "1.0", "--format", "html", "-o", fromCli]);
    if (!readFileSync(fromApp).equals(readFileSync(fromCli))) throw new Error("the app and the CLI exported 1.0 differently");
    await click(`${row("1.1")} [data-action="copy-hash"]`);
    await until("the hash copied", async () => (await text(`${row("1.1")} [data-action="copy-hash"]`)) === "已复制");
    await shot("history.png");
    await click('[data-action="back-to-editor"]');
    await until("the editor", () => find('[data-section="document"]'));
  });

  await step("exporting a saved version writes the very file the CLI writes", async () => {
    const fromApp = resolve(work, "app-export.docx");
    writeFileSync(answers, fromApp + "\n");
    const label = await text('[data-action="export-docx"]');
    if (!label.includes("v1.1")) throw new Error(`the export button reads ${label}`);
    await click('[data-action="export-docx"]');
    await until("the exported file", () => existsSync(fromApp) && statSync(fromApp).size > 0);
    const fromCli = resolve(work, "cli-export.docx");
    execFileSync(cli, ["--db", library, "export", "1", "--format", "docx", "-o", fromCli]);
    if (!readFileSync(fromApp).equals(readFileSync(fromCli))) throw new Error("the app and the CLI wrote different files");
    // The footer offers to open what was written, and to show it in its folder.
    await click('[data-action="open-exported"]');
    await click('[data-action="show-exported"]');
    const opened = `${answers}.opened`;
    await until("the file opened and shown", () => existsSync(opened) && readFileSync(opened, "utf8").split("\n").filter(Boolean).length === 2);
    if (readFileSync(opened, "utf8") !== `open ${fromApp}\nshow ${fromApp}\n`) throw new Error(`opened: ${readFileSync(opened, "utf8")}`);
    await shot("exported.png");
    // An unsaved change for the next step.
    await type('[data-path="document.title"]', "客服人员岗位工作制度");
  });

  const appRunning = () => {
    try {
      return execFileSync("pgrep", ["-f", app]).toString().trim().length > 0;
    } catch {
      return false;
    }
  };

  await step("closing the window keeps the draft first, and the next start has it", async () => {
    // The title was changed above and not saved as a version, then the
    // window closed at once: before the pause that autosaves. A window
    // manager's close button sends WM_DELETE_WINDOW.
    const sent = execFileSync("python3", [resolve(root, "ui/e2e/wm-close.py"), "Policywright"]).toString();
    if (!sent.includes("sent 1")) throw new Error(`close request: ${sent}`);
    await until("the app to close", () => !appRunning());
    await call("DELETE", s).catch(() => {});
    await startApp();
    // Regression: the interface's language was not remembered across a
    // restart (the system's is English here; Chinese was chosen).
    const spoken = await until("the language select", () => valueOf('[data-action="ui-language"]'));
    if (spoken !== "zh-CN") throw new Error(`the interface speaks ${spoken} after a restart`);
    // So is the name in Settings.
    await click('[data-action="settings"]');
    const author = await until("the name in Settings", () => valueOf('[data-form="settings"] input[name="author"]'));
    if (author !== "王芳") throw new Error(`Settings hold the name ${author} after a restart`);
    await shot("settings.png");
    await click('[data-action="close-settings"]');
    await click('[data-library="1"]');
    const title = await until("the title field", () => valueOf('[data-path="document.title"]'));
    if (title !== "客服人员岗位工作制度") throw new Error(`the title reads ${title}`);
  });

  await step("the library lists, searches, archives, restores and duplicates", async () => {
    await click('[data-action="new"]');
    await until("the library", () => find('[data-policy-row="1"]'));
    const row = await text('[data-policy-row="1"]');
    for (const said of ["客服人员岗位工作制度", "1.1", "已发布"]) if (!row.includes(said)) throw new Error(`the row reads ${row}`);
    // Published: reviewed a year after it takes effect, as its document
    // states and the CLI lists.
    const [effective, review] = await call("POST", `${s}/execute/sync`, {
      script: `const r = document.querySelector('[data-policy-row="1"]'); return [r.querySelector('[data-effective]').dataset.effective, r.querySelector('[data-review]').dataset.review];`,
      args: [],
    });
    if (review !== `${Number(effective.slice(0, 4)) + 1}${effective.slice(4)}`) throw new Error(`effective ${effective}, next review ${review}`);
    const inCli = execFileSync(cli, ["--db", library, "list"], { env: { ...process.env, LC_ALL: "C", LANG: "C" } }).toString();
    if (!inCli.includes(`published    ${review}`)) throw new Error(`the CLI lists ${inCli}`);
    await type('[data-action="library-search"]', "没有这个制度");
    await until("no match", async () => (await text(".library")).includes("没有符合搜索条件的制度"));
    await type('[data-action="library-search"]', "客服");
    await until("the match", () => find('[data-policy-row="1"]'));
    // Archived, it is not gone: the screen says where it is.
    await click('[data-policy-row="1"] [data-action="archive"]');
    await until("the archived note", () => find("[data-only-archived]"));
    if (!(await text("footer")).includes("已归档")) throw new Error(`the footer reads ${await text("footer")}`);
    await click('[data-action="show-archived"]');
    await until("the archived row", () => find('[data-policy-row="1"] [data-archived]'));
    await shot("library-archived.png");
    await click('[data-policy-row="1"] [data-action="restore"]');
    await until("restored", async () => (await count('[data-policy-row="1"] [data-archived]')) === 0);
    const listed = execFileSync(cli, ["--db", library, "list"]).toString();
    if (!listed.includes("客服人员岗位工作制度") || listed.includes("（已归档）")) throw new Error(`the CLI lists ${listed}`);
    await click('[data-policy-row="1"] [data-action="duplicate"]');
    const copy = await until("the copy", async () => {
      const rows = await text(".library-table tbody");
      return rows.includes("客服人员岗位工作制度（副本）") ? rows : null;
    });
    if (!copy.includes("尚无版本")) throw new Error(`the copy reads ${copy}`);
    await shot("library.png");
    await click('[data-library="1"]');
    await until("the editor", () => find('[data-section="document"]'));
  });

  await step("typed work survives kill -9, and the next start offers it", async () => {
    await language("en");
    await click('[data-action="new"]');
    // A library policy's draft is kept before the start screen shows.
    await until("the start screen", () => find('[data-preset="operations"][data-locale="en"]'));
    await click('[data-preset="operations"][data-locale="en"]');
    await type('[data-path="document.title"]', "Customer Care Handbook, typed before a crash");
    await until("the autosave", async () => (await text('[data-autosave="saved"]')).includes("Kept"));
    execFileSync("pkill", ["-KILL", "-f", app]);
    await until("the app to stop", () => !appRunning());
    await call("DELETE", s).catch(() => {});
    await startApp();
    const card = await until("the recovered draft", () => text("[data-recovered]"));
    if (!card.includes("Customer Care Handbook, typed before a crash")) throw new Error(`the card reads ${card}`);
    await shot("recovered.png");
    await click('[data-action="open-recovered"]');
    const title = await until("the title field", () => valueOf('[data-path="document.title"]'));
    if (title !== "Customer Care Handbook, typed before a crash") throw new Error(`the title reads ${title}`);
  });

  // The screens the Chinese journeys above showed, in English, for
  // docs/screenshots; each is checked for what it must say first.
  await step("every screen reads in English", async () => {
    // "New" asks first about a draft nothing keeps, and not about one the
    // library keeps.
    const english = async (css, words) => {
      const said = await until(css, () => text(css));
      for (const word of words) if (!said.includes(word)) throw new Error(`${css} reads ${said.slice(0, 300)}`);
    };
    await english(".page h1", ["Customer Care Handbook"]);
    await shot("editor-en.png");
    await click('[data-section="appraisal"]');
    await type('[data-path="appraisal.indicators[0].weight"]', "50");
    await english('[data-for="appraisal.indicators"]', ["90", "100"]);
    await shot("weights-en.png");
    await click('[data-problem="appraisal.indicators"]');
    await shot("problem-en.png");
    await type('[data-path="appraisal.indicators[0].weight"]', "60");
    await until("the error to clear", async () => (await enabled('[data-action="export-docx"]')) === true);
    await click('[data-section="duties"]');
    await click('[data-action="role-library"]');
    await english('[data-action="add-roles"]', ["Add"]);
    await shot("role-library-en.png");
    await click('[data-action="close-role-library"]');
    await until("the role library closed", async () => (await count('[data-action="add-roles"]')) === 0);
    await settled();
    await press(CTRL, "/");
    await english('[data-form="shortcuts"]', ["Ctrl+Z", "Undo"]);
    await shot("shortcuts-en.png");
    await click('[data-action="close-shortcuts"]');
    await click('[data-section="career"]');
    await until("the career chapter in the preview", async () => (await text(".page")).includes("Career"));
    await shot("preview-follows-en.png");
    // A policy of the library with two versions, made through the CLI as
    // a colleague on the same library would, for the start screen and a
    // comparison.
    const file = resolve(work, "en.policy.json");
    const pw = (...args) => execFileSync(cli, ["--db", library, ...args]).toString().trim();
    pw("new", "--preset", "operations", "--locale", "en", "--force", "-o", file);
    const id = pw("import", file).match(/\d+/)[0];
    pw("save", id, "--author", "HR", "--note", "First issue");
    const changed = JSON.parse(readFileSync(file, "utf8"));
    changed.document.title = "Operations Staff Handbook";
    // And a duty far down the document, for a change that has to be scrolled to.
    const lastRole = changed.duties.roles.at(-1);
    lastRole.duties[0] = `${lastRole.duties[0].replace(/\.$/, "")}, and reports on it every Friday.`;
    writeFileSync(file, JSON.stringify(changed));
    pw("save", id, "--from", file, "--author", "Legal", "--note", "Renamed");
    await startOver();
    await english(".start", ["Operations Staff Handbook"]);
    await shot("start-library-en.png");
    await click(`[data-library="${id}"]`);
    await until("the versions", () => find('[data-action="compare"]'));
    await click('[data-action="compare"]');
    await english(".page.diff ins", ["Handbook"]);
    await shot("compare-en.png");
    // Across the whole window, side by side: a change of the summary far
    // down the document is brought on screen in both versions.
    await click('[data-action="compare-wide"]');
    await until("the full-width comparison", () => find(".compare-screen .comparison.wide"));
    await click('[data-action="compare-side"]');
    await until("both versions", () => find('[data-view="new"]'));
    const summary = await text(".change-list ol");
    if (!summary.includes(lastRole.title)) throw new Error(`the summary reads ${summary}`);
    const last = (await count(".change-list [data-change]")) - 1;
    await click(`[data-change="${last}"]`);
    const placed = await until("the change on screen in both versions", async () => {
      const at = await call("POST", `${s}/execute/sync`, {
        script: `return ["old", "new"].map((side) => {
          const pane = document.querySelector('[data-view="' + side + '"]');
          const found = pane.querySelector(".located");
          if (!found) return null;
          const [p, f] = [pane.getBoundingClientRect(), found.getBoundingClientRect()];
          return { scrolled: pane.scrollTop, inside: f.top >= p.top && f.bottom <= p.bottom, text: found.textContent, tag: found.tagName };
        });`,
        args: [],
      });
      return at.every((a) => a && a.scrolled > 0 && a.inside) ? at : null;
    });
    // The duty itself on both sides, not its role's heading.
    if (!placed[1].text.includes("every Friday") || placed[0].text.includes("every Friday") || placed.some((p) => /^H\d$/.test(p.tag))) {
      throw new Error(`the change found reads ${JSON.stringify(placed)}`);
    }
    await shot("compare-wide-en.png");
    await click('[data-action="compare-wide"]');
    await until("the comparison beside the form", () => find(".editor .comparison"));
    await click('[data-action="compare-inline"]');
    await click('[data-action="back-to-preview"]');
    pw("status", id, "1.0", "in-review", "--by", "Dana Brooks");
    pw("status", id, "1.0", "approved", "--by", "Sam Ortiz");
    pw("status", id, "1.0", "published", "--by", "Sam Ortiz");
    pw("status", id, "1.1", "in-review", "--by", "Dana Brooks");
    await click('[data-action="open-history"]');
    await english('[data-history-version="1.1"]', ["In review", "Approve", "Return to draft", "Legal"]);
    await english('[data-trail="1.0"]', ["Published by Sam Ortiz", "Submitted for review by Dana Brooks"]);
    await shot("history-en.png");
    await click('[data-action="back-to-editor"]');
    await startOver();
    await click('[data-preset="blank"][data-locale="en"]');
    await click('[data-section="duties"]');
    await click('fieldset.list[data-path="duties.roles"] > button.add');
    await type('[data-path="duties.roles[0].title"]', "Customer Care Specialist");
    await until("the role in the preview", async () => (await text(".page")).includes("Customer Care Specialist"));
    await shot("blank-en.png");
  });

  await step("a handbook of two policies is built, exported and rebuilt from its saved definition", async () => {
    const pw = (...args) => execFileSync(cli, ["--db", library, ...args], { env: { ...process.env, LC_ALL: "C" } }).toString().trim();
    // Two English policies, as colleagues made them: the first approved at
    // 1.0 with a 1.1 in review, the second at 1.0.
    const made = {};
    for (const [key, title] of [["ops", "Warehouse Operations Policy"], ["care", "Customer Care Staff Policy"]]) {
      const file = resolve(work, `${key}.policy.json`);
      pw("new", "--preset", "operations", "--locale", "en", "--force", "-o", file);
      const policy = JSON.parse(readFileSync(file, "utf8"));
      policy.document.title = title;
      writeFileSync(file, JSON.stringify(policy));
      made[key] = pw("import", file).match(/\d+/)[0];
      pw("save", made[key], "--author", "HR", "--note", "First issue");
    }
    pw("status", made.ops, "1.0", "in-review", "--by", "Dana Brooks");
    pw("status", made.ops, "1.0", "approved", "--by", "Sam Ortiz");
    const opsFile = resolve(work, "ops.policy.json");
    const revised = JSON.parse(readFileSync(opsFile, "utf8"));
    revised.general.purpose = `${revised.general.purpose} It also covers the night shift.`;
    writeFileSync(opsFile, JSON.stringify(revised));
    pw("draft", made.ops, "--from", opsFile);
    pw("save", made.ops, "--author", "HR", "--note", "Night shift");
    pw("status", made.ops, "1.1", "in-review", "--by", "Dana Brooks");

    await startOver();
    await click('[data-action="handbook-new"]');
    await until("the handbook builder", () => find('[data-handbook="new"]'));
    await type('[data-cover="title"]', "Operations Handbook");
    await type('[data-cover="company"]', "Acme Logistics");
    const add = async (id) => {
      await call("POST", `${s}/element/${await find('[data-action="part-choose"]')}/click`, {});
      await click(`[data-action="part-choose"] option[value="${id}"]`);
      await click('[data-action="part-add"]');
      await until(`part ${id}`, () => find(`[data-part="${id}"]`));
    };
    await add(made.care);
    await add(made.ops);
    // The approved policy binds its approved 1.0, not the 1.1 in review.
    await until("the bound versions", async () => (await text(`[data-part="${made.ops}"] [data-binds]`)).includes("v1.0"));
    await click(`[data-part="${made.ops}"] [data-action="part-up"]`);
    const order = await until("the preview of both, in order", async () => {
      const page = await text(".handbook-preview .page");
      const [a, b] = [page.indexOf("Warehouse Operations Policy"), page.indexOf("Customer Care Staff Policy")];
      return a >= 0 && b > a ? page : null;
    });
    if (!order.includes("Operations Handbook")) throw new Error(`the preview reads ${order.slice(0, 300)}`);
    await shot("handbook-en.png");
    await language("zh-CN");
    await until("the builder in Chinese", async () => (await text(".handbook-parts")).includes("本手册包含的制度"));
    await shot("handbook.png");
    await language("en");
    await until("the builder in English", async () => (await text(".handbook-parts")).includes("Policies in this handbook"));

    // Export: saved first, then built as `rebuild` builds it.
    const first = resolve(work, "handbook-1.docx");
    writeFileSync(answers, first + "\n");
    await click('[data-action="handbook-export-docx"]');
    await until("the handbook file", () => existsSync(first));
    await until("the export said", async () => (await text("footer")).includes(first));
    const listed = pw("handbooks");
    const id = listed.match(/^\s*(\d+)\s+Operations Handbook/m)?.[1];
    if (!id) throw new Error(`handbooks lists ${listed}`);
    const fromCli = resolve(work, "handbook-cli.docx");
    pw("rebuild", id, "--format", "docx", "-o", fromCli);
    if (!readFileSync(first).equals(readFileSync(fromCli))) throw new Error("the app's handbook differs from the CLI's rebuild");

    // 1.1 is approved meanwhile: the saved handbook says its part changed,
    // and the next export binds it.
    pw("status", made.ops, "1.1", "approved", "--by", "Sam Ortiz");
    await click('[data-action="handbook-back"]');
    await until("the handbook in the library", () => find(`[data-open-handbook="${id}"]`));
    await click(`[data-open-handbook="${id}"]`);
    await until("the changed part", async () => (await text(`[data-part="${made.ops}"] [data-since]`)).includes("then v1.0"));
    await until("the new version bound", async () => (await text(`[data-part="${made.ops}"] [data-binds]`)).includes("v1.1"));
    await shot("handbook-changed-en.png");
    const second = resolve(work, "handbook-2.docx");
    writeFileSync(answers, second + "\n");
    await click('[data-action="handbook-export-docx"]');
    await until("the rebuilt file", () => existsSync(second));
    await until("every part as exported", async () => (await text(`[data-part="${made.ops}"] [data-since]`)).includes("As last exported"));
    pw("rebuild", id, "--format", "docx", "-o", fromCli);
    if (!readFileSync(second).equals(readFileSync(fromCli))) throw new Error("the rebuilt handbook differs from the CLI's");
    if (readFileSync(second).equals(readFileSync(first))) throw new Error("the rebuilt handbook is the first one");
    await click('[data-action="handbook-back"]');
  });

  // Last, since it damages the run's library on purpose.
  await step("a corrupt library followed by \"create a new one\", and Settings kept across a restart", async () => {
    await call("DELETE", s).catch(() => {});
    await until("the app to stop", () => !appRunning());
    const garbage = Buffer.from("these are somebody's notes, not a library\n".repeat(200));
    for (const side of ["-wal", "-shm"]) if (existsSync(library + side)) rmSync(library + side);
    writeFileSync(library, garbage);
    await startApp();
    const said = await until("the library problem", () => text("[data-library-problem]"));
    for (const words of ["The library could not be opened", `${library} is not a Policywright library`, "left the file exactly as it was"]) {
      if (!said.includes(words)) throw new Error(`the problem screen reads ${said.slice(0, 400)}`);
    }
    // Neither an empty library nor a banner.
    if ((await count(".first-start, .library, .failure")) > 0) throw new Error("the start screen also says the library is empty");
    await shot("library-problem-en.png");
    await language("zh-CN");
    await until("the problem in Chinese", async () => (await text("[data-library-problem]")).includes("无法打开制度库"));
    await until("the message in Chinese", async () => (await text("[data-library-problem]")).includes("不是 Policywright 制度库"));
    await click('[data-action="library-show-file"]');
    await until("the file shown", () => existsSync(`${answers}.opened`) && readFileSync(`${answers}.opened`, "utf8").includes(`show ${library}\n`));
    // A new library is never made over another file.
    writeFileSync(answers, library + "\n");
    await click('[data-action="library-create"]');
    const refused = await until("the refusal beside the buttons", () => text("[data-library-action-error]"));
    if (!refused.includes("已存在")) throw new Error(`the refusal reads ${refused}`);
    await shot("library-problem.png");
    const made = resolve(work, "mine", "制度库.sqlite");
    mkdirSync(dirname(made), { recursive: true });
    writeFileSync(answers, made + "\n");
    await click('[data-action="library-create"]');
    await until("the first start of the new library", () => find(".first-start"));
    const switched = await text("[data-footer-status]");
    if (!switched.includes(made)) throw new Error(`the footer reads ${switched}`);
    if (!readFileSync(library).equals(garbage)) throw new Error("the damaged file was changed");
    // Settings: new policies in Chinese with decimal numbering.
    await click('[data-action="settings"]');
    const shown = await until("the library in Settings", () => text("[data-library-path]"));
    if (shown !== made) throw new Error(`Settings name the library ${shown}`);
    await call("POST", `${s}/element/${await find('[data-action="settings-document-language"]')}/click`, {});
    await click('[data-action="settings-document-language"] option[value="zh-CN"]');
    await call("POST", `${s}/element/${await find('[data-action="settings-numbering"]')}/click`, {});
    await click('[data-action="settings-numbering"] option[value="decimal"]');
    await click('[data-action="close-settings"]');

    // The next start: the new library, and every choice as it was left.
    await call("DELETE", s).catch(() => {});
    await until("the app to stop", () => !appRunning());
    await startApp();
    await until("the new library's first start", () => find(".first-start"));
    await click('[data-action="settings"]');
    const kept = {
      library: await until("the library in Settings", () => text("[data-library-path]")),
      author: await valueOf('[data-form="settings"] input[name="author"]'),
      language: await valueOf('[data-action="settings-language"]'),
      documents: await valueOf('[data-action="settings-document-language"]'),
      numbering: await valueOf('[data-action="settings-numbering"]'),
    };
    const expected = { library: made, author: "王芳", language: "zh-CN", documents: "zh-CN", numbering: "decimal" };
    if (JSON.stringify(kept) !== JSON.stringify(expected)) throw new Error(`after a restart Settings hold ${JSON.stringify(kept)}`);
    await shot("settings-files.png");
    await call("POST", `${s}/element/${await find('[data-action="settings-language"]')}/click`, {});
    await click('[data-action="settings-language"] option[value="en"]');
    await until("Settings in English", async () => (await text('[data-form="settings"]')).includes("Language of new policies"));
    // Opened again, as a person would see it next time.
    await click('[data-action="close-settings"]');
    await click('[data-action="settings"]');
    await until("Settings again", () => find("[data-library-path]"));
    await shot("settings-files-en.png");
    await click('[data-action="close-settings"]');
    await click('[data-action="start-preset"]');
    await until("the decimal headings", async () => {
      const page = await text(".page");
      return page.includes("1 总则") && !page.includes("第一章");
    });
  });

  await step("a shared server is connected to in Settings, and the server records who saved", async () => {
    const server = startServer();
    try {
      await click('[data-action="new"]');
      if ((await count('[data-action="discard"]')) > 0) await click('[data-action="discard"]');
      await click('[data-action="settings"]');
      await click('[data-action="settings-library-server"]');
      await type('[name="server-host"]', server.socket);
      await type('[name="server-database"]', "no such database");
      await type('[name="server-user"]', server.user);
      await call("POST", `${s}/element/${await find('[name="server-tls"]')}/click`, {});
      await click('[name="server-tls"] option[value="disable"]');
      // The button is low in the dialog: brought to the middle, as a person scrolls to it.
      const connect = async () => {
        await call("POST", `${s}/execute/sync`, { script: 'document.querySelector("[data-action=\\"settings-server-connect\\"]").scrollIntoView({ block: "center" });', args: [] });
        await click('[data-action="settings-server-connect"]');
      };
      await connect();
      // A mistake is said at its field, in the window's language.
      const atField = await until("the error at the database field", () => text('[data-field-error="database"]'));
      if (!atField.includes("database name cannot hold spaces")) throw new Error(`the field says ${atField}`);
      await type('[name="server-database"]', "postgres");
      await connect();
      const inUse = await until("the server in use", () => text("[data-server-in-use]"));
      if (!inUse.includes("postgres") || !inUse.includes(server.socket)) throw new Error(`Settings say ${inUse}`);
      await shot("settings-server-en.png");
      await call("POST", `${s}/element/${await find('[data-action="settings-language"]')}/click`, {});
      await click('[data-action="settings-language"] option[value="zh-CN"]');
      await until("Settings in Chinese", async () => (await text("[data-server-in-use]")).includes("已连接"));
      await click('[data-action="close-settings"]');
      await click('[data-action="settings"]');
      await until("Settings again", () => find("[data-server-in-use]"));
      await shot("settings-server.png");
      await click('[data-action="close-settings"]');
      // Work on the server as on a file: a policy, a version, its history.
      await click('[data-action="start-preset"]');
      await until("the preview", () => find(".page h1"));
      await click('[data-action="library-add"]');
      await until("the policy in the library", async () => (await text("footer")).includes("1"));
      await click('[data-action="save-version"]');
      await type('[data-form="save-version"] input[name="note"]', "首次发布");
      await click('[data-form="save-version"] button[type="submit"]');
      await until("the version saved", async () => (await text("footer")).includes("1.0"));
      await click('[data-action="open-history"]');
      const who = await until("who saved 1.0", () => text('[data-history-version="1.0"] .who'));
      if (who !== `王芳 (${server.user})`) throw new Error(`the history says ${who}`);
      // The document's revision record names the person, not the login.
      await click('[data-action="back-to-editor"]');
      await until("the name in the revision record", async () => (await text(".page")).includes("王芳"));
      // A second desktop's save of the draft is seen, and nothing is written over it.
      execFileSync(cli, ["draft", "1", "--from", server.policyFile(), "--db", server.address], { stdio: "pipe" });
      const banner = await until("the other person's save", () => text("[data-draft-taken]"), 30000);
      if (!banner.includes(server.user)) throw new Error(`the banner says ${banner}`);
      await shot("draft-taken.png");
      await click('[data-action="draft-theirs"]');
      await until("their draft", async () => (await valueOf('[data-path="document.title"]')) === "另一台电脑上的草稿");
      // The server goes away while typing: the edits wait on this computer,
      // and reach the server once it is back, without another key.
      server.pause();
      await type('[data-path="document.title"]', "服务器断开时输入的标题");
      await until("the edits kept on this computer", async () => (await text("[data-autosave]")).includes("等待制度库"), 20000);
      await shot("autosave-waiting.png");
      server.resume();
      await until("the edits in the library again", async () => (await text("[data-autosave]")).includes("草稿已保存"), 45000);
      const listed = execFileSync(cli, ["list", "--db", server.address]).toString();
      if (!listed.includes("服务器断开时输入的标题")) throw new Error(`the server lists ${listed}`);
    } finally {
      server.stop();
    }
  });
} catch (e) {
  // A failing step has said what failed; anything else says it here.
  if (failures === 0) {
    failures++;
    console.log(`FAIL outside a step: ${e.message}\n     tauri-driver said:\n${driverLog().slice(-4000)}`);
  }
} finally {
  if (s) await call("DELETE", s).catch(() => {});
  driver.kill();
}
console.log(`e2e: ${passes} passed, ${failures} failed`);
process.exit(failures === 0 && passes > 0 ? 0 : 1);
