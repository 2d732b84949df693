// Counts how many times React rendered each component, by name. React tells
// a devtools hook of every commit; this one walks the committed tree as
// React's own devtools do: a component rendered when its fiber performed
// work, and a subtree is looked into only when React visited it. Installed
// by a setup file that runs before React loads.

interface Fiber {
  tag: number;
  type: unknown;
  flags: number;
  child: Fiber | null;
  sibling: Fiber | null;
  alternate: Fiber | null;
}

// React's fiber tags of components that render, and its "performed work" flag.
const FUNCTION_COMPONENT = 0;
const CLASS_COMPONENT = 1;
const FORWARD_REF = 11;
const SIMPLE_MEMO_COMPONENT = 15;
const RENDERING = new Set([
  FUNCTION_COMPONENT,
  CLASS_COMPONENT,
  FORWARD_REF,
  SIMPLE_MEMO_COMPONENT,
]);
const PERFORMED_WORK = 0b1;

const counts = new Map<string, number>();

function nameOf(fiber: Fiber): string | null {
  const type = fiber.type as
    { displayName?: string; name?: string; render?: { name?: string } } | null | undefined;
  if (!type || (typeof type !== "function" && typeof type !== "object")) return null;
  return type.displayName ?? type.name ?? type.render?.name ?? null;
}

function visit(next: Fiber, previous: Fiber | null) {
  if (RENDERING.has(next.tag) && (previous === null || (next.flags & PERFORMED_WORK) !== 0)) {
    const name = nameOf(next);
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  // Children React did not visit keep their fibers: nothing there rendered.
  if (previous !== null && next.child === previous.child) return;
  for (let child = next.child; child; child = child.sibling) visit(child, child.alternate);
}

export function installRenderCounter() {
  (globalThis as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => undefined,
    onCommitFiberRoot: (_id: number, root: { current: Fiber }) =>
      visit(root.current, root.current.alternate),
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
  };
}

/** How many times each component rendered since the last `resetRenders`. */
export function renders(name: string): number {
  return counts.get(name) ?? 0;
}

export function resetRenders() {
  counts.clear();
}
