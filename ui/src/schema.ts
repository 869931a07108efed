// Reading the policy's JSON Schema (from the core) to build its forms.
import type { JsonSchema } from "./api";

export type Kind =
  | { kind: "object"; schema: JsonSchema }
  | { kind: "array"; item: JsonSchema }
  | { kind: "text" }
  | { kind: "date" }
  | { kind: "number"; step: number; min?: number; max?: number }
  | { kind: "choice"; options: string[] }
  | { kind: "boolean" };

export type Resolved = { kind: Kind; nullable: boolean; description?: string };

export function deref(root: JsonSchema, node: JsonSchema): JsonSchema {
  let n = node;
  for (let guard = 0; n.$ref && guard < 16; guard++) {
    const name = n.$ref.replace("#/$defs/", "");
    const target = root.$defs?.[name];
    if (!target) break;
    n = { ...target, description: n.description ?? target.description };
  }
  return n;
}

export function resolve(root: JsonSchema, node: JsonSchema): Resolved {
  let n = deref(root, node);
  let nullable = false;
  const alternatives = n.anyOf ?? null;
  if (alternatives) {
    const real = alternatives.filter((a) => a.type !== "null");
    nullable = real.length < alternatives.length;
    n = { ...deref(root, real[0] ?? {}), description: n.description };
  }
  const types = Array.isArray(n.type) ? n.type : n.type ? [n.type] : [];
  if (types.includes("null")) nullable = true;
  const type = types.find((t) => t !== "null");
  const description = n.description;
  if (n.enum) return { kind: { kind: "choice", options: n.enum.filter((v): v is string => v !== null) }, nullable, description };
  if (n.oneOf && n.oneOf.every((o) => typeof o.const === "string")) {
    return { kind: { kind: "choice", options: n.oneOf.map((o) => o.const as string) }, nullable, description };
  }
  switch (type) {
    case "object":
      return { kind: { kind: "object", schema: n }, nullable, description };
    case "array":
      return { kind: { kind: "array", item: n.items ?? {} }, nullable, description };
    case "integer":
      return { kind: { kind: "number", step: 1, min: n.minimum, max: n.maximum }, nullable, description };
    case "number":
      return { kind: { kind: "number", step: n.multipleOf ?? 0.01, min: n.minimum, max: n.maximum }, nullable, description };
    case "boolean":
      return { kind: { kind: "boolean" }, nullable, description };
    default:
      if (n.format === "date") return { kind: { kind: "date" }, nullable, description };
      return { kind: { kind: "text" }, nullable, description };
  }
}

/**
 * A new value for a schema node: what "Add" puts in a list. Its id is new
 * to `taken` (the policy, or at least the list).
 */
export function emptyValue(root: JsonSchema, node: JsonSchema, taken: unknown = []): unknown {
  const r = resolve(root, node);
  if (r.nullable && r.kind.kind !== "object") return null;
  switch (r.kind.kind) {
    case "object": {
      const out: Record<string, unknown> = {};
      const props = r.kind.schema.properties ?? {};
      for (const [key, child] of Object.entries(props)) {
        const required = r.kind.schema.required?.includes(key);
        const c = resolve(root, child);
        if (!required && c.nullable) continue;
        if (key === "id") out[key] = freshId(taken);
        else out[key] = child.default !== undefined ? copyJson(child.default) : emptyValue(root, child);
      }
      return out;
    }
    case "array":
      return [];
    case "number":
      return 0;
    case "boolean":
      return false;
    case "choice":
      return r.kind.options[0] ?? "";
    default:
      return "";
  }
}

/**
 * What "+ Add" appends to `list`: a new value whose id is new to `policy`,
 * and, in a ladder, whose grade is one above the highest so far: the core
 * wants grades to rise, and a new level goes on top.
 */
export function newItem(root: JsonSchema, node: JsonSchema, list: unknown[], policy: unknown): unknown {
  const item = emptyValue(root, node, policy);
  if (item && typeof item === "object" && "grade" in item) {
    const grades = list.map((l) => Number((l as { grade?: unknown })?.grade)).filter(Number.isFinite);
    (item as { grade: number }).grade = grades.length > 0 ? Math.max(...grades) + 1 : 1;
  }
  return item;
}

/**
 * A copy of a schema default. Defaults are JSON, and a JSON copy works on
 * any object, where `structuredClone` throws on a proxy (reactive state is
 * one).
 */
function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Every `id` held anywhere in `value`, however deep. */
export function idsIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) idsIn(v, out);
  } else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key === "id" && typeof v === "string") out.add(v);
      else idsIn(v, out);
    }
  }
  return out;
}

/**
 * An id nothing in `taken` uses yet: `new-1`, `new-2`, … `taken` is
 * searched to any depth, so given the whole policy the id is unique in
 * every scope the core checks: an indicator's among the whole tree, a
 * rule's among every group's rules. Siblings alone are not enough: a
 * sub-indicator numbered among its siblings took its parent's id.
 */
export function freshId(taken: unknown): string {
  return unused(idsIn(taken), Array.isArray(taken) ? taken.length + 1 : 1);
}

/** The first placeholder id from `new-${from}` on that `ids` does not hold. */
function unused(ids: Set<string>, from = 1): string {
  let n = from;
  while (ids.has(`new-${n}`)) n++;
  return `new-${n}`;
}

/**
 * `item` with a fresh id for itself and everything in it, unique among
 * `taken` and each other: what a duplicated item needs, since a copy of an
 * indicator also copies its sub-indicators' ids.
 */
export function withFreshIds<T>(item: T, taken: unknown): T {
  const ids = idsIn(taken);
  const renew = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(renew);
    else if (value && typeof value === "object") {
      const obj = value as Record<string, unknown>;
      if (typeof obj.id === "string") {
        const id = unused(ids);
        obj.id = id;
        ids.add(id);
      }
      for (const [key, v] of Object.entries(obj)) if (key !== "id") renew(v);
    }
  };
  renew(item);
  return item;
}

/** The order to show an object's fields in: the value's own (the struct's), then the rest. */
export function fieldOrder(schema: JsonSchema, value: Record<string, unknown> | null | undefined): string[] {
  const props = Object.keys(schema.properties ?? {});
  const own = value ? Object.keys(value).filter((k) => props.includes(k)) : [];
  const ordered = [...own, ...props.filter((p) => !own.includes(p))];
  // What an item is called comes first, then what it says: a new item's
  // keys come in the schema's alphabetical order, which put a role's title
  // below its duties and skill levels.
  return [...LEADING.filter((k) => ordered.includes(k)), ...ordered.filter((k) => !LEADING.includes(k))];
}

const LEADING = ["title", "name", "text", "summary", "description"];
