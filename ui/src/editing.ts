// Every change to the policy goes through one editor, which App.svelte (the
// owner of the policy's state) creates and hands down by context.
import { getContext, setContext } from "svelte";

export type Holder = Record<string, unknown> | unknown[];

export type Editing = {
  set(holder: Holder, key: string | number, value: unknown): void;
  push(list: unknown[], value: unknown): void;
  remove(list: unknown[], index: number): void;
  move(list: unknown[], index: number, by: number): void;
};

const KEY = Symbol("editing");

export function provideEditing(editing: Editing): void {
  setContext(KEY, editing);
}

export function editing(): Editing {
  return getContext<Editing>(KEY);
}
