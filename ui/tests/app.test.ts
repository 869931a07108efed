// The editor against a mocked shell: what the user clicks and types goes to
// the core's commands, and what they answer shows where the user looks.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount } from "svelte";
import App from "../src/App.svelte";

const schema = {
  type: "object",
  properties: {
    document: { $ref: "#/$defs/DocumentControl" },
    appraisal: { $ref: "#/$defs/Appraisal" },
  },
  $defs: {
    DocumentControl: {
      type: "object",
      properties: { title: { type: "string" }, locale: { type: "string", enum: ["zh-CN", "en"] } },
    },
    Appraisal: {
      type: "object",
      properties: { indicators: { type: "array", items: { $ref: "#/$defs/Indicator" } } },
    },
    Indicator: {
      type: "object",
      required: ["id", "name", "weight"],
      properties: { id: { type: "string" }, name: { type: "string" }, weight: { type: "number", multipleOf: 0.01 } },
    },
  },
};

const preset = {
  schema_version: 1,
  document: { title: "Operations Staff Policy", locale: "en", revisions: [{ version: "1.0" }] },
  appraisal: { indicators: [{ id: "results", name: "Results", weight: 60 }, { id: "ability", name: "Ability", weight: 30 }] },
};

let calls: { cmd: string; args: Record<string, unknown> }[] = [];
// Whether the library file is one that cannot be opened, until a new one is made.
let libraryBroken = false;
let libraryPolicies: Record<string, unknown>[] = [];
let handbooks: Record<string, unknown>[] = [];
let history: Record<string, unknown>[] = [];
// The library draft's revision, and who saved it: another person's save is
// made by raising it.
let stamp = { revision: 1, saved_by: "", saved_at: "2027-01-01T09:00:00Z" };
let conflictOnAutosave = false;
let app: ReturnType<typeof mount> | undefined;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Types `value` into the input `css` finds, as a user would. */
function typeInto(css: string, value: string) {
  const input = document.querySelector<HTMLInputElement>(css)!;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}
const click = (css: string) => document.querySelector<HTMLButtonElement>(css)!.click();
async function settle() {
  for (let i = 0; i < 5; i++) {
    await wait(60);
    flushSync();
  }
}

beforeEach(() => {
  localStorage.clear();
  libraryPolicies = [];
  handbooks = [];
  calls = [];
  history = [];
  stamp = { revision: 1, saved_by: "", saved_at: "2027-01-01T09:00:00Z" };
  conflictOnAutosave = false;
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    switch (cmd) {
      case "schema":
        return JSON.stringify(schema);
      case "list_presets":
        return [{ id: "operations", locale: "en", title: "Operations Staff Policy" }];
      case "new_policy":
        return structuredClone(preset);
      case "check": {
        const p = (args as { policy: typeof preset }).policy;
        const total = p.appraisal.indicators.reduce((s, i) => s + i.weight, 0);
        return {
          diagnostics:
            total === 100
              ? []
              : [{ severity: "error", path: "appraisal.indicators", message: `the top-level weights add up to ${total}, not 100`, hint: "change the weights" }],
        };
      }
      case "set_unsaved":
      case "set_language":
        return null;
      case "library_list":
        if (libraryBroken) throw { code: "invalid_library", message: "/home/wang/library.sqlite is not a Policywright library", hint: "check the path", details: [] };
        return libraryPolicies;
      case "library_due":
        if (libraryBroken) throw { code: "invalid_library", message: "/home/wang/library.sqlite is not a Policywright library", hint: "check the path", details: [] };
        return [];
      case "library_notices":
      case "recovered_drafts":
        return [];
      case "handbook_list":
        return handbooks;
      case "handbook_new":
        return { cover: { title: "Staff Handbook", company: "", number: "", version: "1.0", date: "2027-01-01", locale: "en", numbering: "decimal" }, parts: [] };
      case "handbook_plan": {
        const d = (args as { definition: { parts: { policy: number }[] } }).definition;
        return { parts: d.parts.map((p) => ({ policy: p.policy, title: p.policy === 1 ? "Operations" : "Customer Care", label: "1.0", status: "approved", since_build: { kind: "never-built" } })), dropped: [], built_at: null };
      }
      case "handbook_preview": {
        const d = (args as { definition: { parts: { policy: number }[] } }).definition;
        return d.parts.map((p) => `<h2>${p.policy === 1 ? "Operations" : "Customer Care"}</h2>`).join("");
      }
      case "handbook_save":
        handbooks = [{ id: 3, title: "Staff Handbook", created_at: "", updated_at: "", built_at: null, parts: 2, changed: 0, problem: null }];
        return 3;
      case "handbook_export":
        return "/home/wang/Documents/Staff Handbook_v1.0.docx";
      case "library_create":
        libraryBroken = false;
        return "/home/wang/Documents/Policies.sqlite";
      case "shell_settings":
        return { library: "/home/wang/Documents/Policies.sqlite", server: null, library_is_default: false, templates: null, problems: [] };
      case "library_add":
        return 7;
      case "library_draft_stamp":
        return { ...stamp };
      case "autosave": {
        const a = args as { id: number | null; base: number | null };
        if (a.id === null) return { to: "recovery", at: "2027-01-01T09:01:00Z", stamp: null, taken: null };
        if (conflictOnAutosave && a.base !== stamp.revision) return { to: "recovery", at: "2027-01-01T09:01:00Z", stamp: null, taken: { ...stamp } };
        stamp = { revision: stamp.revision + 1, saved_by: "Wang Fang", saved_at: "2027-01-01T09:01:00Z" };
        return { to: "library", at: stamp.saved_at, stamp: { ...stamp }, taken: null };
      }
      case "discard_recovered":
        return null;
      case "library_history":
        return history;
      case "library_save_version": {
        const a = args as { bump: string; author: string; note: string };
        const label = history.length === 0 ? "1.0" : "1.1";
        const version = { policy: 7, label, status: "draft", author: a.author, note: a.note, created_at: "2027-01-01T00:00:00Z", effective_date: "2027-01-01", content_hash: "x" };
        history.push(version);
        stamp = { ...stamp, revision: stamp.revision + 1 };
        return { version, unchanged: false, warnings: [], draft: (args as { policy: unknown }).policy, stamp: { ...stamp } };
      }
      case "library_compare":
        return {
          heading: "Operations Staff Policy: v1.0 → v1.1",
          sides: "v1.0 (HR) → v1.1 (HR)",
          locale: "en",
          changes: [{ kind: "changed", summary: "Title changed", place: ["Document control"], before: "Operations Staff Policy", after: "Operations Staff Policy, revised" }],
          inline: "<h2>Document control</h2><p>Operations Staff Policy<ins>, revised</ins></p>",
          old: "<h2>Document control</h2><p>Operations Staff Policy</p>",
          new: "<h2>Document control</h2><p>Operations Staff Policy<ins>, revised</ins></p>",
        };
      case "preview":
        return `<h1>${(args as { policy: typeof preset }).policy.document.title}</h1>`;
      default:
        throw { code: "not-found", message: `no command ${cmd}`, details: [] };
    }
  });
  document.body.innerHTML = "";
  app = mount(App, { target: document.body });
});

afterEach(() => {
  if (app) unmount(app);
  clearMocks();
});

describe("the editor", () => {
  it("starts from a preset, previews it and shows a weight error next to the list", async () => {
    await settle();
    const card = document.querySelector<HTMLButtonElement>('[data-preset="operations"]');
    expect(card?.textContent).toContain("Operations Staff Policy");
    card!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "new_policy")?.args).toEqual({ preset: "operations", locale: "en", numbering: null });
    expect(document.querySelector(".page")?.innerHTML).toContain("<h1>Operations Staff Policy</h1>");
    // Fixed choices read as words, not codes.
    const option = document.querySelector('[data-path="document.locale"] option[value="zh-CN"]');
    expect(option?.textContent).toBe("Chinese");

    // The weights add up to 90: the error shows in the appraisal chapter.
    const chapter = document.querySelector<HTMLButtonElement>('[data-section="appraisal"]');
    expect(chapter?.querySelector(".badge")?.textContent).toBe("1");
    chapter!.click();
    await settle();
    const message = document.querySelector('[data-for="appraisal.indicators"]');
    expect(message?.textContent).toContain("the top-level weights add up to 90, not 100");
    expect(document.querySelector<HTMLButtonElement>('[data-action="export-docx"]')?.disabled).toBe(true);

    // Fixing a weight clears it, and the core saw the new value.
    typeInto('[data-path="appraisal.indicators[1].weight"]', "40");
    await settle();
    const lastCheck = calls.filter((c) => c.cmd === "check").at(-1)!;
    expect((lastCheck.args.policy as typeof preset).appraisal.indicators[1].weight).toBe(40);
    expect(document.querySelector('[data-for="appraisal.indicators"]')).toBeNull();
    expect(document.querySelector<HTMLButtonElement>('[data-action="export-docx"]')?.disabled).toBe(false);
  });

  it("asks before dropping unsaved changes", async () => {
    await settle();
    click('[data-preset="operations"]');
    await settle();
    // Nothing changed yet: New leaves at once.
    click('[data-action="new"]');
    await settle();
    expect(document.querySelector('[data-preset="operations"]')).not.toBeNull();
    click('[data-preset="operations"]');
    await settle();
    typeInto('[data-path="document.title"]', "Changed");
    await settle();
    // The shell knows, so closing the window asks too.
    expect(calls.filter((c) => c.cmd === "set_unsaved").at(-1)?.args).toEqual({ unsaved: true });
    expect(calls.filter((c) => c.cmd === "set_language").at(-1)?.args).toEqual({ lang: "en" });
    click('[data-action="new"]');
    await settle();
    expect(document.querySelector('[role="alertdialog"]')?.textContent).toContain("unsaved changes");
    click('[data-action="keep"]');
    await settle();
    expect(document.querySelector<HTMLInputElement>('[data-path="document.title"]')?.value).toBe("Changed");
    click('[data-action="new"]');
    await settle();
    click('[data-action="discard"]');
    await settle();
    expect(document.querySelector('[data-preset="operations"]')).not.toBeNull();
  });

  it("adds a policy to the library, saves versions and compares them", async () => {
    await settle();
    click('[data-preset="operations"]');
    await settle();
    // The weights in the mock add up to 90: fix them first, or saving waits.
    click('[data-section="appraisal"]');
    await settle();
    typeInto('[data-path="appraisal.indicators[1].weight"]', "40");
    await settle();
    click('[data-action="library-add"]');
    await settle();
    expect(document.querySelector("footer")?.textContent).toContain("Added to the library as policy 7");
    for (const note of ["First issue", "Second issue"]) {
      click('[data-action="save-version"]');
      await settle();
      typeInto('[data-form="save-version"] input[name="author"]', "HR");
      typeInto('[data-form="save-version"] input[name="note"]', note);
      document.querySelector<HTMLFormElement>('[data-form="save-version"]')!.requestSubmit();
      await settle();
    }
    const saves = calls.filter((c) => c.cmd === "library_save_version").map((c) => c.args);
    expect(saves.map((a) => [a.id, a.bump, a.author, a.note])).toEqual([
      [7, "minor", "HR", "First issue"],
      [7, "minor", "HR", "Second issue"],
    ]);
    expect(document.querySelector("footer")?.textContent).toContain("Saved version 1.1");
    expect(document.querySelectorAll("[data-version]").length).toBe(2);
    click('[data-action="compare"]');
    await settle();
    expect(calls.find((c) => c.cmd === "library_compare")?.args).toEqual({ id: 7, from: "1.0", to: "1.1" });
    expect(document.querySelector('.page.diff[data-view="inline"]')?.innerHTML).toContain("<ins>, revised</ins>");
    // A change of the summary leads to its text, in each view on screen.
    click('[data-change="0"]');
    await settle();
    expect(document.querySelector('[data-view="inline"] p')?.classList.contains("located")).toBe(true);
    click('[data-action="compare-side"]');
    await settle();
    expect(document.querySelector('[data-view="old"] p')?.classList.contains("located")).toBe(true);
    expect(document.querySelector('[data-view="new"] p')?.classList.contains("located")).toBe(true);
    // Across the whole window, and back beside the form.
    click('[data-action="compare-wide"]');
    await settle();
    expect(document.querySelector(".compare-screen .comparison.wide")).not.toBeNull();
    expect(document.querySelector(".editor")).toBeNull();
    click('[data-action="compare-wide"]');
    await settle();
    expect(document.querySelector(".editor .comparison")).not.toBeNull();
    click('[data-action="back-to-preview"]');
    await settle();
    expect(document.querySelector(".page.diff")).toBeNull();
  });

  it("keeps edits off another person's newer draft until the user chooses, then goes on from theirs", async () => {
    await settle();
    click('[data-preset="operations"]');
    await settle();
    click('[data-action="library-add"]');
    await settle();
    // Li Na saves the draft on her desktop.
    stamp = { revision: 5, saved_by: "li_na", saved_at: "2027-01-01T09:05:00Z" };
    conflictOnAutosave = true;
    typeInto('[data-path="document.title"]', "Operations Staff Policy (Wang's edit)");
    await wait(900);
    await settle();
    const autosaves = calls.filter((c) => c.cmd === "autosave").map((c) => c.args);
    expect(autosaves.at(-1)).toMatchObject({ id: 7, slot: "library-7", base: 1 });
    const banner = document.querySelector("[data-draft-taken]");
    expect(banner?.textContent).toContain("li_na saved a newer draft of this policy");
    expect(banner?.textContent).toContain("kept on this computer");
    click('[data-action="draft-mine"]');
    await settle();
    expect(calls.filter((c) => c.cmd === "autosave").at(-1)?.args).toMatchObject({ id: 7, base: 5 });
    expect(document.querySelector("[data-draft-taken]")).toBeNull();
    expect(calls.filter((c) => c.cmd === "discard_recovered").at(-1)?.args).toEqual({ slot: "library-7-conflict" });
  });

  it("shows the core's error text when a command fails", async () => {
    await settle();
    click('[data-preset="operations"]');
    await settle();
    calls.length = 0;
    click("[data-action=open]");
    await settle();
    expect(calls.map((c) => c.cmd).filter((c) => c !== "set_unsaved" && c !== "set_language")).toEqual(["open_policy"]);
    expect(document.querySelector(".failure")?.textContent).toBe("no command open_policy");
  });

  it("explains a library that cannot be opened and creates a new one in its place", async () => {
    if (app) unmount(app);
    libraryBroken = true;
    document.body.innerHTML = "";
    app = mount(App, { target: document.body });
    await settle();
    const problem = document.querySelector("[data-library-problem]");
    expect(problem?.querySelector("h2")?.textContent).toBe("The library could not be opened");
    expect(problem?.querySelector(".problem-message")?.textContent).toBe("/home/wang/library.sqlite is not a Policywright library");
    // Not an empty library, and no banner that a preset would hide.
    expect(document.querySelector(".first-start")).toBeNull();
    expect(document.querySelector(".library")).toBeNull();
    expect(document.querySelector(".failure")).toBeNull();
    click('[data-action="library-create"]');
    await settle();
    expect(calls.some((c) => c.cmd === "library_create")).toBe(true);
    expect(document.querySelector("[data-library-problem]")).toBeNull();
    expect(document.querySelector(".first-start")).not.toBeNull();
    expect(document.querySelector("[data-footer-status]")?.textContent).toBe("Now using the library /home/wang/Documents/Policies.sqlite");
  });

  it("starts new policies in the language and numbering Settings say", async () => {
    await settle();
    click('[data-action="settings"]');
    await settle();
    expect(document.querySelector("[data-library-path]")?.textContent).toBe("/home/wang/Documents/Policies.sqlite");
    const pick = (css: string, value: string) => {
      const select = document.querySelector<HTMLSelectElement>(css)!;
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    };
    pick('[data-action="settings-document-language"]', "zh-CN");
    pick('[data-action="settings-numbering"]', "decimal");
    document.querySelector<HTMLFormElement>('[data-form="settings"]')!.requestSubmit();
    await settle();
    click('[data-action="start-preset"]');
    await settle();
    expect(calls.find((c) => c.cmd === "new_policy")?.args).toEqual({ preset: "operations", locale: "zh-CN", numbering: "decimal" });
  });

  it("binds two library policies into a handbook, orders them, saves and exports it", async () => {
    if (app) unmount(app);
    const row = (id: number, title: string) => ({ id, title, archived: false, latest: "1.0", status: "approved", updated_at: "2027-01-01T00:00:00Z", damaged: false, number: "", effective_date: "2027-01-01", next_review: null });
    libraryPolicies = [row(1, "Operations"), row(2, "Customer Care")];
    history = [{ policy: 1, label: "1.0", status: "approved", author: "HR", note: "First", created_at: "2027-01-01T00:00:00Z", effective_date: "2027-01-01", content_hash: "x", damaged: false, steps: [] }];
    document.body.innerHTML = "";
    app = mount(App, { target: document.body });
    await settle();
    click('[data-action="handbook-new"]');
    await settle();
    const choose = (value: string) => {
      const select = document.querySelector<HTMLSelectElement>('[data-action="part-choose"]')!;
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      flushSync();
      click('[data-action="part-add"]');
    };
    choose("1");
    await settle();
    choose("2");
    await wait(300);
    await settle();
    const order = () => [...document.querySelectorAll("[data-part]")].map((e) => e.getAttribute("data-part"));
    expect(order()).toEqual(["1", "2"]);
    // An approved policy binds its newest approved or published version.
    expect(document.querySelector<HTMLSelectElement>('[data-part="1"] [data-action="part-pick"]')?.value).toBe("released");
    expect(document.querySelector(".handbook-preview .page")?.innerHTML).toBe("<h2>Operations</h2><h2>Customer Care</h2>");
    click('[data-part="2"] [data-action="part-up"]');
    await settle();
    expect(order()).toEqual(["2", "1"]);
    click('[data-action="handbook-export-docx"]');
    await settle();
    const saved = calls.find((c) => c.cmd === "handbook_save")?.args as { id: null; definition: { parts: { policy: number }[] } };
    expect(saved.id).toBeNull();
    expect(saved.definition.parts.map((p) => p.policy)).toEqual([2, 1]);
    expect(calls.find((c) => c.cmd === "handbook_export")?.args).toEqual({ id: 3, format: "docx" });
    expect(document.querySelector("[data-footer-status]")?.textContent).toBe("Exported to /home/wang/Documents/Staff Handbook_v1.0.docx");
    click('[data-action="handbook-back"]');
    await settle();
    expect(document.querySelector('[data-open-handbook="3"]')?.textContent).toBe("Staff Handbook");
  });
});
