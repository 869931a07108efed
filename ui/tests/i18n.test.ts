import { describe, expect, it } from "vitest";
import { choice, label, lookup, sectionName, t, when } from "../src/i18n";

describe("the catalogue the UI speaks from", () => {
  it("fills arguments and picks plural forms in each language", () => {
    expect(t("en", "ui.errors", { count: 1 })).toBe("1 error");
    expect(t("en", "ui.errors", { count: 3 })).toBe("3 errors");
    expect(t("zh-CN", "ui.errors", { count: 3 })).toBe("3 个错误");
    expect(t("en", "ui.saved_version", { label: "1.1" })).toBe("Saved version 1.1");
  });

  it("names chapters, fields and choices as the documents do", () => {
    expect(sectionName("discipline", "en")).toBe(lookup("en", "sections.discipline"));
    expect(sectionName("discipline", "zh-CN")).toBe("工作规范");
    expect(label("frequency", "zh-CN")).toBe("频次");
    expect(label("participants", "zh-CN")).toBe("参加人员");
    expect(choice("written-warning", "zh-CN")).toBe("书面警告");
    expect(choice("in-review", "en")).toBe("In review");
  });

  it("lowercases a label inside a sentence and keeps literal braces", () => {
    expect(t("en", "errors.bad_transition", { label: "1.1", id: 1, from: "Draft", to: "Approved" })).toBe(
      "version 1.1 of policy 1 cannot go from draft to approved",
    );
    expect(t("en", "cli.not_builtin", { path: "x.md" })).toContain("{% include %}");
  });

  // Regression: the version list showed no dates at all.
  it("writes a version's time as a date of the interface's language", () => {
    // Midday, so the date is the same in any time zone the test runs in.
    expect(when("2026-12-02T12:00:00Z", "en").date).toBe("Dec 2, 2026");
    expect(when("2026-12-02T12:00:00Z", "zh-CN").date).toBe("2026年12月2日");
    expect(when("2026-12-02T12:00:00Z", "en").full).toContain("December 2, 2026");
    expect(when("not a time", "en")).toEqual({ date: "not a time", full: "not a time" });
  });
});
