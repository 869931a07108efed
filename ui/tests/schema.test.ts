import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../src/api";
import { child, describe as place, prefix, section, segments, within } from "../src/paths";
import { emptyValue, fieldOrder, freshId, idsIn, newItem, resolve, withFreshIds } from "../src/schema";

const root: JsonSchema = {
  type: "object",
  properties: { rules: { type: "array", items: { $ref: "#/$defs/Rule" } } },
  $defs: {
    Rule: {
      type: "object",
      required: ["id", "text"],
      properties: {
        id: { type: "string" },
        text: { type: "string" },
        consequence: { anyOf: [{ $ref: "#/$defs/Consequence" }, { type: "null" }] },
        weight: { $ref: "#/$defs/Weight" },
      },
    },
    Consequence: { type: "string", enum: ["reminder", "dismissal"] },
    Weight: { type: "number", minimum: 0, maximum: 100, multipleOf: 0.01 },
    Scheme: { oneOf: [{ type: "string", const: "zh-chapter" }, { type: "string", const: "decimal" }] },
  },
};

describe("reading the schema", () => {
  it("follows references and sees optional values", () => {
    const rule = root.$defs!.Rule.properties!;
    expect(resolve(root, rule.consequence)).toEqual({
      kind: { kind: "choice", options: ["reminder", "dismissal"] },
      nullable: true,
      description: undefined,
    });
    expect(resolve(root, rule.weight).kind).toEqual({ kind: "number", step: 0.01, min: 0, max: 100 });
    expect(resolve(root, { $ref: "#/$defs/Scheme" }).kind).toEqual({ kind: "choice", options: ["zh-chapter", "decimal"] });
  });

  it("makes new items with an id no sibling has", () => {
    const siblings = [{ id: "new-2" }, { id: "a" }];
    expect(freshId(siblings)).toBe("new-3");
    const item = emptyValue(root, { $ref: "#/$defs/Rule" }, [{ id: "new-1" }]);
    expect(item).toEqual({ id: "new-2", text: "", weight: 0 });
  });

  // Regression: a sub-indicator's id was numbered among its siblings only,
  // so the first took its parent's `new-1`, and a policy built from blank
  // showed an id error the user could neither see nor fix.
  it("a new sub-indicator's id is unique in the whole tree, not only among its siblings", () => {
    const policy = { appraisal: { indicators: [{ id: "new-1", children: [] }, { id: "new-2", children: [] }] } };
    expect(freshId(policy)).toBe("new-3");
    const rules = { discipline: { groups: [{ id: "g", rules: [{ id: "new-1" }] }, { id: "h", rules: [] }] } };
    expect(emptyValue(root, { $ref: "#/$defs/Rule" }, rules)).toMatchObject({ id: "new-2" });
  });

  // Regression: every level "+ Add" made had grade 0, so a ladder built
  // from blank showed "grade 0 is not above the level before it" twice.
  it("a new ladder level goes one grade above the highest", () => {
    const level: JsonSchema = {
      ...root,
      $defs: { Level: { type: "object", required: ["id", "name", "grade"], properties: { id: { type: "string" }, name: { type: "string" }, grade: { type: "integer" } } } },
    };
    const node = { $ref: "#/$defs/Level" };
    expect(newItem(level, node, [], {})).toMatchObject({ grade: 1 });
    expect(newItem(level, node, [{ id: "a", grade: 1 }, { id: "b", grade: 3 }], {})).toMatchObject({ grade: 4, id: "new-1" });
  });

  it("a duplicated item gets fresh ids for itself and everything in it", () => {
    const policy = { indicators: [{ id: "new-1", children: [{ id: "new-2" }, { id: "quality" }] }] };
    const copy = withFreshIds(structuredClone(policy.indicators[0]), policy);
    const ids = [copy.id, ...copy.children.map((c) => c.id)];
    expect(ids).toEqual(["new-3", "new-4", "new-5"]);
    expect(idsIn(policy)).toEqual(new Set(["new-1", "new-2", "quality"]));
  });

  // Regression: "+ Add" did nothing for roles, stages, rule groups and
  // levels. The schema lived in reactive state, a proxy, and
  // `structuredClone` of a proxied default threw DataCloneError.
  it("makes new items from a schema held behind a proxy", () => {
    const withDefault: JsonSchema = {
      ...root,
      $defs: {
        ...root.$defs,
        Stage: {
          type: "object",
          required: ["id", "steps"],
          properties: { id: { type: "string" }, steps: { type: "array", items: { type: "string" }, default: ["first"] } },
        },
      },
    };
    const proxied = <T extends object>(value: T): T =>
      new Proxy(value, {
        get: (target, key) => {
          const v = Reflect.get(target, key);
          return v && typeof v === "object" ? proxied(v) : v;
        },
      });
    const item = emptyValue(proxied(withDefault), { $ref: "#/$defs/Stage" }, []) as { id: string; steps: string[] };
    expect(item).toEqual({ id: "new-1", steps: ["first"] });
    // The default is a copy: changing the new item leaves the schema alone.
    item.steps.push("second");
    expect(withDefault.$defs!.Stage.properties!.steps.default).toEqual(["first"]);
  });

  it("shows fields in the value's own order, then the rest", () => {
    const rule = root.$defs!.Rule;
    expect(fieldOrder(rule, { text: "x", id: "a" })).toEqual(["text", "id", "consequence", "weight"]);
  });

  // Regression: a role made by "+ Add" showed its title last, below its
  // duties, requirements and skill levels (its keys came alphabetically).
  it("shows what an item is called first, whatever order its keys came in", () => {
    const role: JsonSchema = {
      type: "object",
      properties: { duties: {}, id: {}, reports_to: {}, summary: {}, title: {} },
    };
    const made = { duties: [], id: "new-1", reports_to: null, summary: "", title: "" };
    expect(fieldOrder(role, made)).toEqual(["title", "summary", "duties", "id", "reports_to"]);
  });
});

describe("paths", () => {
  it("are written the way the core writes them", () => {
    expect(child(child(child("", "appraisal"), "indicators"), 1)).toBe("appraisal.indicators[1]");
    expect(section("appraisal.indicators[1].children")).toBe("appraisal");
    const diagnostics = [
      { severity: "error" as const, path: "appraisal.indicators", message: "a", hint: "" },
      { severity: "error" as const, path: "appraisal.indicators[1].name", message: "b", hint: "" },
      { severity: "error" as const, path: "appraisal.indicatorsX", message: "c", hint: "" },
    ];
    expect(within(diagnostics, "appraisal.indicators").map((d) => d.message)).toEqual(["a", "b"]);
  });
});

describe("problems in words", () => {
  const names = {
    section: (k: string) => ({ discipline: "Work rules" })[k] ?? k,
    field: (k: string) => ({ groups: "Rule group", rules: "Rules", steps: "Steps", consequence: "Consequence" })[k] ?? k,
  };
  const policy = { discipline: { groups: [{ name: "Attendance", rules: [{ text: "" }, { text: "Be on time." }] }] } };

  it("name the chapter, the item by its name or number, and the field, never the path", () => {
    expect(place("discipline.groups[0].rules", policy, names)).toBe("Work rules › Rule group “Attendance” › Rules");
    expect(place("discipline.groups[0].rules[0].consequence", policy, names)).toBe(
      "Work rules › Rule group “Attendance” › Rules 1 › Consequence",
    );
    expect(place("discipline.groups[0].rules[1]", policy, names)).toBe("Work rules › Rule group “Attendance” › Rules “Be on time.”");
    expect(place("discipline.groups[3].rules", policy, names)).toBe("Work rules › Rule group 4 › Rules");
  });

  it("read paths the way the core writes them", () => {
    expect(segments("appraisal.indicators[1].children[0].weight")).toEqual(["appraisal", "indicators", 1, "children", 0, "weight"]);
    expect(prefix("appraisal.indicators[1].children[0].weight", 3)).toBe("appraisal.indicators[1]");
  });
});
