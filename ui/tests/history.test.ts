// The history screen against a mocked shell: each step the workflow allows
// is offered in the UI's words, is sent under the name from Settings, and a
// refusal is said in the row where the user acted.
import { afterEach, beforeEach, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount } from "svelte";
import History from "../src/lib/History.svelte";
import type { VersionInfo } from "../src/api";

const version = (label: string, status: VersionInfo["status"]): VersionInfo => ({
  policy: 1,
  label,
  status,
  // 1.1 was saved on a server, which records its user beside the name given.
  author: label === "1.1" ? "hr_wang" : "HR",
  display_name: label === "1.1" ? "Wang Fang" : "",
  note: `Note of ${label}`,
  created_at: "2026-12-02T16:24:31Z",
  effective_date: "2027-01-01",
  content_hash: `${label.replace(".", "")}abcdef0123456789`,
  damaged: false,
  steps: status === "published" ? [{ from: "approved", to: "published", by: "Lee Chen", by_name: "", at: "2026-12-02T17:00:00Z" }] : [],
});

let calls: { cmd: string; args: Record<string, unknown> }[] = [];
let refuse: string | null = null;
let changed = 0;
let said: string[] = [];
let view: ReturnType<typeof mount> | undefined;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function settle() {
  for (let i = 0; i < 3; i++) {
    await wait(20);
    flushSync();
  }
}
const row = (label: string) => document.querySelector<HTMLElement>(`[data-history-version="${label}"]`)!;
const trail = (label: string) => document.querySelector<HTMLElement>(`[data-trail="${label}"]`)!;

beforeEach(() => {
  calls = [];
  refuse = null;
  changed = 0;
  said = [];
  localStorage.clear();
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (cmd === "library_set_status" && refuse) throw { code: "invalid-transition", message: refuse };
    if (cmd === "library_export") return "/home/ana/Documents/policy_v1.0.docx";
    return null;
  });
  view = mount(History, {
    target: document.body,
    props: {
      lang: "en",
      id: 1,
      title: "Operations Staff Policy",
      versions: [version("1.0", "published"), version("1.1", "approved")],
      onchanged: async () => void changed++,
      oncompare: () => {},
      onback: () => {},
      onstatus: (text: string) => void said.push(text),
      onexported: (path: string) => void said.push(`exported ${path}`),
    },
  });
  flushSync();
});

afterEach(() => {
  if (view) unmount(view);
  clearMocks();
  document.body.innerHTML = "";
});

it("lists the newest version first, with its status in words and its trail", () => {
  const labels = [...document.querySelectorAll("[data-history-version]")].map((r) => r.getAttribute("data-history-version"));
  expect(labels).toEqual(["1.1", "1.0"]);
  expect(row("1.1").querySelector(".status-badge")!.textContent).toBe("Approved");
  expect(row("1.1").querySelector("code")!.textContent).toBe("11abcdef0123");
  expect(row("1.1").querySelector(".who")!.textContent).toBe("Wang Fang (hr_wang)");
  expect(row("1.0").querySelector(".who")!.textContent).toBe("HR");
  expect(trail("1.0").textContent).toContain("Published by Lee Chen");
  // Only the steps the workflow allows.
  const offered = [...row("1.1").querySelectorAll("[data-action^='status-']")].map((b) => b.textContent);
  expect(offered).toEqual(["Publish"]);
});

it("asks before publishing, names what it supersedes, and sends the name kept in Settings", async () => {
  localStorage.setItem("policywright.author", "Ana Ruiz");
  row("1.1").querySelector<HTMLButtonElement>('[data-action="status-published"]')!.click();
  flushSync();
  const form = document.querySelector<HTMLFormElement>('[data-form="status-step"]')!;
  expect(form.querySelector(".question")!.textContent).toBe(
    "Publish version 1.1? Version 1.0, published now, will be superseded.",
  );
  expect(form.querySelector<HTMLInputElement>('input[name="by"]')!.value).toBe("Ana Ruiz");
  form.requestSubmit();
  await settle();
  expect(calls).toContainEqual({ cmd: "library_set_status", args: { id: 1, version: "1.1", status: "published", by: "Ana Ruiz" } });
  expect(changed).toBe(1);
  expect(said).toEqual(["Version 1.1 is now published"]);
});

it("says a refusal in the row where the user acted, and reads the history again", async () => {
  refuse = "version 1.1 of policy 1 cannot go from published to published";
  row("1.1").querySelector<HTMLButtonElement>('[data-action="status-published"]')!.click();
  flushSync();
  const form = document.querySelector<HTMLFormElement>('[data-form="status-step"]')!;
  form.querySelector<HTMLInputElement>('input[name="by"]')!.value = "Ana Ruiz";
  form.querySelector<HTMLInputElement>('input[name="by"]')!.dispatchEvent(new Event("input", { bubbles: true }));
  form.requestSubmit();
  await settle();
  expect(trail("1.1").querySelector('[role="alert"]')!.textContent).toBe(refuse);
  expect(trail("1.0").querySelector('[role="alert"]')).toBeNull();
  expect(changed).toBe(1);
  // The name typed with none in Settings was not kept: the step failed.
  expect(localStorage.getItem("policywright.author")).toBeNull();
});

it("exports the version of its row, and hands the written file on to be offered", async () => {
  row("1.0").querySelector<HTMLButtonElement>('[data-action="export-version-docx"]')!.click();
  await settle();
  expect(calls).toContainEqual({ cmd: "library_export", args: { id: 1, version: "1.0", format: "docx" } });
  expect(said).toEqual(["exported /home/ana/Documents/policy_v1.0.docx"]);
});
