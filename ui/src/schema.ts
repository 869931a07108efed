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

/** A new value for a schema node: what "Add" puts in a list. */
export function emptyValue(root: JsonSchema, node: JsonSchema, siblings: unknown[] = []): unknown {
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
        if (key === "id") out[key] = freshId(siblings);
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
 * A copy of a schema default. Defaults are JSON, and a JSON copy works on
 * any object, where `structuredClone` throws on a proxy (reactive state is
 * one).
 */
function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** An id no sibling uses yet: `new-1`, `new-2`, … */
export function freshId(siblings: unknown[]): string {
  const taken = new Set(
    siblings.map((s) => (s && typeof s === "object" && "id" in s ? String((s as { id: unknown }).id) : "")),
  );
  let n = siblings.length + 1;
  while (taken.has(`new-${n}`)) n++;
  return `new-${n}`;
}

/** The order to show an object's fields in: the value's own (the struct's), then the rest. */
export function fieldOrder(schema: JsonSchema, value: Record<string, unknown> | null | undefined): string[] {
  const props = Object.keys(schema.properties ?? {});
  const own = value ? Object.keys(value).filter((k) => props.includes(k)) : [];
  return [...own, ...props.filter((p) => !own.includes(p))];
}
