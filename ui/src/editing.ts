// Every change to the policy goes through one editor, which App.svelte (the
// owner of the policy's state) creates and hands down by context. Because it
// sees every change, it is also where undo and redo live.
//
// A change is kept as a step addressed by its JSON path (`duties.roles[0]`),
// never by a reference to the object it changed: the policy's objects are
// replaced when it is reloaded, and a path still means the same place.
import { getContext, setContext } from "svelte";
import { segments } from "./paths";

export type Step =
  | { kind: "set"; path: string; before: unknown; after: unknown; at: number }
  | { kind: "insert"; path: string; index: number; value: unknown }
  | { kind: "remove"; path: string; index: number; value: unknown }
  | { kind: "move"; path: string; from: number; to: number }
  | { kind: "group"; path: string; steps: Step[] };

export type Editing = {
  /** Puts `value` at `path`. */
  set(path: string, value: unknown): void;
  /** Appends `value` to the list at `path`, making the list if there is none. */
  push(path: string, value: unknown): void;
  /** Puts a copy of the list's item `index` right after it, adjusted by `fresh`. */
  duplicate(path: string, index: number, fresh?: (copy: unknown, list: unknown[]) => unknown): void;
  remove(path: string, index: number): void;
  /** Moves item `index` of the list `by` places; nothing past either end. */
  move(path: string, index: number, by: number): void;
  /** Runs `f`, whose changes undo and redo as one step about `path`. */
  group(path: string, f: () => void): void;
  /** The policy being edited (reactive), to read what other parts hold. */
  policy(): unknown;
  /**
   * Sets a value behind the user's back, as no step to undo: what the
   * editor keeps by itself, such as an id made from a title.
   */
  quietly(path: string, value: unknown): void;
};

export type Options = {
  /** How many steps undo reaches back; the oldest go first. */
  limit?: number;
  /** Typing in one field within this many milliseconds is one step. */
  mergeWithin?: number;
  now?: () => number;
  /** Called after every change, undo and redo. */
  changed?: () => void;
};

type Container = Record<string | number, unknown>;

/** A copy that shares nothing with the live (reactive) policy. */
const copy = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

export class Editor implements Editing {
  private done: Step[] = [];
  private undone: Step[] = [];
  private readonly limit: number;
  private readonly mergeWithin: number;
  private readonly now: () => number;
  private readonly changed: () => void;

  constructor(
    private readonly root: () => unknown,
    options: Options = {},
  ) {
    this.limit = options.limit ?? 200;
    this.mergeWithin = options.mergeWithin ?? 1000;
    this.now = options.now ?? (() => Date.now());
    this.changed = options.changed ?? (() => {});
  }

  policy(): unknown {
    return this.root();
  }

  quietly(path: string, value: unknown): void {
    const [holder, key] = this.place(path);
    holder[key] = copy(value);
  }

  group(path: string, f: () => void): void {
    const outer = this.done;
    this.done = [];
    try {
      f();
    } finally {
      const steps = this.done;
      this.done = outer;
      if (steps.length > 0) this.record({ kind: "group", path, steps });
    }
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  /** Forgets every step: another policy was opened. */
  clear(): void {
    this.done = [];
    this.undone = [];
    this.changed();
  }

  set(path: string, value: unknown): void {
    const [holder, key] = this.place(path);
    const before = holder[key];
    if (JSON.stringify(before) === JSON.stringify(value)) return;
    const at = this.now();
    const last = this.done.at(-1);
    holder[key] = copy(value);
    if (last?.kind === "set" && last.path === path && at - last.at <= this.mergeWithin && this.undone.length === 0) {
      last.after = copy(value);
      last.at = at;
      this.changed();
      return;
    }
    this.record({ kind: "set", path, before: copy(before), after: copy(value), at });
  }

  push(path: string, value: unknown): void {
    const [holder, key] = this.place(path);
    const list = holder[key];
    if (!Array.isArray(list)) {
      this.set(path, [value]);
      this.seal();
      return;
    }
    this.insert(path, list.length, value);
  }

  duplicate(path: string, index: number, fresh: (copy: unknown, list: unknown[]) => unknown = (c) => c): void {
    const list = this.list(path);
    if (index < 0 || index >= list.length) return;
    this.insert(path, index + 1, fresh(copy(list[index]), list));
  }

  remove(path: string, index: number): void {
    const list = this.list(path);
    if (index < 0 || index >= list.length) return;
    const [value] = list.splice(index, 1);
    this.record({ kind: "remove", path, index, value: copy(value) });
  }

  move(path: string, index: number, by: number): void {
    const list = this.list(path);
    const to = index + by;
    if (index < 0 || index >= list.length || to < 0 || to >= list.length) return;
    list.splice(to, 0, ...list.splice(index, 1));
    this.record({ kind: "move", path, from: index, to });
  }

  /** Takes back the last step; the path it touched, or null if there was none. */
  undo(): string | null {
    const step = this.done.pop();
    if (!step) return null;
    this.apply(step, true);
    this.undone.push(step);
    this.changed();
    return step.path;
  }

  /** Does again the last step undone; the path it touched, or null. */
  redo(): string | null {
    const step = this.undone.pop();
    if (!step) return null;
    this.apply(step, false);
    this.done.push(step);
    this.changed();
    return step.path;
  }

  /** Ends the current step, so that the next change of the same field is a new one. */
  seal(): void {
    const last = this.done.at(-1);
    if (last?.kind === "set") last.at = -Infinity;
  }

  private insert(path: string, index: number, value: unknown): void {
    const list = this.list(path);
    list.splice(index, 0, copy(value));
    this.record({ kind: "insert", path, index, value: copy(value) });
  }

  private record(step: Step): void {
    this.done.push(step);
    if (this.done.length > this.limit) this.done.splice(0, this.done.length - this.limit);
    this.undone = [];
    this.changed();
  }

  private apply(step: Step, backwards: boolean): void {
    switch (step.kind) {
      case "group": {
        const steps = backwards ? [...step.steps].reverse() : step.steps;
        for (const s of steps) this.apply(s, backwards);
        return;
      }
      case "set": {
        const [holder, key] = this.place(step.path);
        holder[key] = copy(backwards ? step.before : step.after);
        if (holder[key] === undefined && !Array.isArray(holder)) delete holder[key];
        return;
      }
      case "insert":
      case "remove": {
        const list = this.list(step.path);
        if ((step.kind === "insert") === backwards) list.splice(step.index, 1);
        else list.splice(step.index, 0, copy(step.value));
        return;
      }
      case "move": {
        const list = this.list(step.path);
        const [from, to] = backwards ? [step.to, step.from] : [step.from, step.to];
        list.splice(to, 0, ...list.splice(from, 1));
        return;
      }
    }
  }

  /** The object or list holding the value at `path`, and its key there. */
  private place(path: string): [Container, string | number] {
    const keys = segments(path);
    const last = keys.pop();
    if (last === undefined) throw new Error(`nothing to edit at an empty path`);
    let here = this.root() as Container;
    for (const k of keys) {
      const next = here?.[k];
      if (!next || typeof next !== "object") throw new Error(`the policy has nothing at ${path}`);
      here = next as Container;
    }
    return [here, last];
  }

  private list(path: string): unknown[] {
    const [holder, key] = this.place(path);
    const list = holder[key];
    if (!Array.isArray(list)) throw new Error(`the policy has no list at ${path}`);
    return list;
  }
}

const KEY = Symbol("editing");

export function provideEditing(editing: Editing): void {
  setContext(KEY, editing);
}

export function editing(): Editing {
  return getContext<Editing>(KEY);
}
