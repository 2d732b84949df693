// What the rendered components hold: every hook's state and every
// component's props in React's current tree, searched for a text. A secret
// dropped from the screen but kept in some state would be found here.

interface Fiber {
  child: Fiber | null;
  sibling: Fiber | null;
  memoizedState: unknown;
  memoizedProps: unknown;
  stateNode: unknown;
}

interface Hook {
  memoizedState: unknown;
  queue: unknown;
  next: Hook | null;
}

/** The current tree's root of what `render` put in `container` (the
 *  container keeps the first root fiber; the live one is the root's). */
function rootFiber(container: Element): Fiber {
  const key = Object.keys(container).find((name) => name.startsWith("__reactContainer$"));
  if (!key) throw new Error("nothing React rendered is in this container");
  const first = (container as unknown as Record<string, Fiber>)[key]!;
  return (first.stateNode as { current: Fiber }).current;
}

function isHook(state: unknown): state is Hook {
  return state !== null && typeof state === "object" && "queue" in state && "next" in state;
}

function holds(value: unknown, text: string, seen: WeakSet<object>, depth: number): boolean {
  if (typeof value === "string") return value.includes(text);
  if (value === null || typeof value !== "object" || depth > 40) return false;
  if (seen.has(value)) return false;
  seen.add(value);
  // DOM nodes and other fibers are reached through the tree itself.
  if (typeof Node !== "undefined" && value instanceof Node) return false;
  const entries = value instanceof Map ? [...value.values()] : Object.values(value);
  return entries.some((entry) => holds(entry, text, seen, depth + 1));
}

/** Whether any component's state or props in `container` hold `text`. */
export function reactStateHolds(container: Element, text: string): boolean {
  const seen = new WeakSet<object>();
  const pending: Fiber[] = [rootFiber(container)];
  while (pending.length > 0) {
    const fiber = pending.pop()!;
    // A function component's state is its list of hooks, each with its
    // current value; another fiber's state is searched whole.
    if (isHook(fiber.memoizedState)) {
      for (let hook: Hook | null = fiber.memoizedState; hook; hook = hook.next) {
        if (holds(hook.memoizedState, text, seen, 0)) return true;
      }
    } else if (holds(fiber.memoizedState, text, seen, 0)) {
      return true;
    }
    if (holds(fiber.memoizedProps, text, seen, 0)) return true;
    if (fiber.sibling) pending.push(fiber.sibling);
    if (fiber.child) pending.push(fiber.child);
  }
  return false;
}
