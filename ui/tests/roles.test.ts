import { describe, expect, it } from "vitest";
import { Editor } from "../src/editing";
import { forgetRole, idFromTitle, isPlaceholderId, renameRole, roleReference } from "../src/roles";

const policy = () => ({
  general: { scope_roles: ["lead", "agent", "new-1"] },
  duties: {
    roles: [
      { id: "lead", title: "Team Lead", reports_to: "Director" },
      { id: "agent", title: "Agent", reports_to: "lead" },
      { id: "new-1", title: "", reports_to: "lead" },
    ],
  },
  workflow: { stages: [{ name: "Intake", owner: "agent" }] },
  career: { levels: [{ roles: ["agent", "new-1"] }], professional_track: { levels: [{ roles: ["lead"] }] } },
});

describe("ids made from titles", () => {
  it("reads like the title, in any script, and is unique", () => {
    expect(idFromTitle("Customer Care Specialist", [])).toBe("customer-care-specialist");
    expect(idFromTitle("  Café — Night Shift! ", [])).toBe("cafe-night-shift");
    expect(idFromTitle("客服专员", [])).toBe("客服专员");
    expect(idFromTitle("客服 专员（夜班）", [])).toBe("客服-专员-夜班");
    expect(idFromTitle("Agent", ["agent", "agent-2"])).toBe("agent-3");
    expect(idFromTitle("!!!", [])).toBe("item");
  });

  it("replaces only the placeholder a new item gets", () => {
    expect(isPlaceholderId("new-3")).toBe(true);
    expect(isPlaceholderId("operations-manager")).toBe(false);
    expect(isPlaceholderId("new-role")).toBe(false);
  });
});

describe("references to roles", () => {
  it("knows which fields refer to roles", () => {
    expect(roleReference("duties.roles[2].reports_to")).toBe("one");
    expect(roleReference("workflow.stages[0].owner")).toBe("one");
    expect(roleReference("general.scope_roles")).toBe("many");
    expect(roleReference("career.levels[1].roles")).toBe("many");
    expect(roleReference("career.professional_track.levels[0].roles")).toBe("many");
    expect(roleReference("duties.roles")).toBeNull();
    expect(roleReference("duties.roles[0].title")).toBeNull();
  });

  it("follow a role whose id changes, everywhere and nowhere else", () => {
    expect(renameRole(policy(), "new-1", "trainer")).toEqual([
      { path: "general.scope_roles[2]", value: "trainer" },
      { path: "career.levels[0].roles[1]", value: "trainer" },
    ]);
    expect(renameRole(policy(), "lead", "team-lead").map((e) => e.path)).toEqual([
      "general.scope_roles[0]",
      "duties.roles[1].reports_to",
      "duties.roles[2].reports_to",
      "career.professional_track.levels[0].roles[0]",
    ]);
  });

  it("let go of a removed role in one step that undo takes back whole", () => {
    const doc = policy();
    const editor = new Editor(() => doc);
    const forget = forgetRole(doc, "agent");
    expect(forget).toEqual({
      set: [{ path: "workflow.stages[0].owner", value: "" }],
      remove: [
        { list: "general.scope_roles", index: 1 },
        { list: "career.levels[0].roles", index: 0 },
      ],
    });
    editor.group("duties.roles", () => {
      for (const e of forget.set) editor.set(e.path, e.value);
      for (const r of forget.remove) editor.remove(r.list, r.index);
      editor.remove("duties.roles", 1);
    });
    expect(doc.general.scope_roles).toEqual(["lead", "new-1"]);
    expect(doc.workflow.stages[0].owner).toBe("");
    expect(doc.duties.roles.map((r) => r.id)).toEqual(["lead", "new-1"]);
    expect(editor.undo()).toBe("duties.roles");
    expect(doc).toEqual(policy());
    editor.redo();
    expect(doc.career.levels[0].roles).toEqual(["new-1"]);
    expect(editor.canUndo).toBe(true);
    editor.undo();
    expect(editor.canUndo).toBe(false);
  });
});
