import { describe, expect, it } from "vitest";
import { Editor } from "../src/editing";

type Doc = { title: string; roles: { id: string; title: string; duties?: string[] }[]; scope?: { roles?: string[] } };

function editorOf(doc: Doc, limit?: number) {
  let clock = 0;
  const tick = (ms: number) => (clock += ms);
  const editor = new Editor(() => doc, { now: () => clock, limit });
  return { editor, tick };
}

const sample = (): Doc => ({
  title: "Operations",
  roles: [
    { id: "a", title: "Agent", duties: ["Answer tickets."] },
    { id: "b", title: "Lead" },
  ],
});

describe("the editor's undo and redo", () => {
  it("undoes and redoes a text edit and a list add in order", () => {
    const doc = sample();
    const { editor, tick } = editorOf(doc);
    editor.set("title", "Ops");
    tick(5000);
    editor.push("roles[1].duties", "Coach the agents.");
    expect(doc.roles[1].duties).toEqual(["Coach the agents."]);
    expect(editor.undo()).toBe("roles[1].duties");
    expect(doc.roles[1].duties).toBeUndefined();
    expect(editor.undo()).toBe("title");
    expect(doc.title).toBe("Operations");
    expect(editor.canUndo).toBe(false);
    expect(editor.redo()).toBe("title");
    expect(editor.redo()).toBe("roles[1].duties");
    expect(doc).toEqual({ ...sample(), title: "Ops", roles: [sample().roles[0], { ...sample().roles[1], duties: ["Coach the agents."] }] });
    expect(editor.canRedo).toBe(false);
  });

  it("takes typing in one field as one step, and a pause as the end of it", () => {
    const doc = sample();
    const { editor, tick } = editorOf(doc);
    for (const text of ["O", "Op", "Ope", "Oper"]) {
      editor.set("title", text);
      tick(200);
    }
    tick(2000);
    editor.set("title", "Oper!");
    editor.undo();
    expect(doc.title).toBe("Oper");
    editor.undo();
    expect(doc.title).toBe("Operations");
  });

  it("undoes a remove, a move and a duplicate, items and places intact", () => {
    const doc = sample();
    const { editor } = editorOf(doc);
    editor.move("roles", 0, 1);
    expect(doc.roles.map((r) => r.id)).toEqual(["b", "a"]);
    editor.duplicate("roles", 1, (copy) => ({ ...(copy as object), id: "c" }));
    expect(doc.roles.map((r) => r.id)).toEqual(["b", "a", "c"]);
    expect(doc.roles[2].duties).toEqual(["Answer tickets."]);
    editor.remove("roles", 0);
    expect(doc.roles.map((r) => r.id)).toEqual(["a", "c"]);
    editor.undo();
    editor.undo();
    editor.undo();
    expect(doc).toEqual(sample());
  });

  it("keeps no link between the policy and what it remembers", () => {
    const doc = sample();
    const { editor } = editorOf(doc);
    const added = { id: "c", title: "Trainer" };
    editor.push("roles", added);
    added.title = "changed behind the editor's back";
    doc.roles[2].title = "Trainer, edited";
    editor.undo();
    editor.redo();
    expect(doc.roles[2].title).toBe("Trainer");
  });

  it("forgets what it undid once something new is done", () => {
    const doc = sample();
    const { editor, tick } = editorOf(doc);
    editor.set("title", "A");
    tick(5000);
    editor.undo();
    editor.set("title", "B");
    expect(editor.canRedo).toBe(false);
    expect(editor.redo()).toBeNull();
    expect(doc.title).toBe("B");
  });

  it("reaches back as far as its limit, the oldest steps going first", () => {
    const doc = sample();
    const { editor, tick } = editorOf(doc, 100);
    for (let i = 0; i < 150; i++) {
      editor.set("title", `T${i}`);
      tick(5000);
    }
    let steps = 0;
    while (editor.undo() !== null) steps++;
    expect(steps).toBe(100);
    expect(doc.title).toBe("T49");
  });

  it("removes again a value that was not there before", () => {
    const doc = sample();
    const { editor } = editorOf(doc);
    editor.set("scope", { roles: ["a"] });
    editor.undo();
    expect("scope" in doc).toBe(false);
  });

  it("records nothing for a change that changes nothing, or a move past the end", () => {
    const doc = sample();
    const { editor } = editorOf(doc);
    editor.set("title", "Operations");
    editor.move("roles", 1, 1);
    editor.move("roles", 0, -1);
    editor.remove("roles", 7);
    expect(editor.canUndo).toBe(false);
  });

  it("refuses a path the policy does not have, changing nothing", () => {
    const doc = sample();
    const { editor } = editorOf(doc);
    expect(() => editor.set("roles[9].title", "x")).toThrow("the policy has nothing at roles[9].title");
    expect(editor.canUndo).toBe(false);
    expect(doc).toEqual(sample());
  });
});
