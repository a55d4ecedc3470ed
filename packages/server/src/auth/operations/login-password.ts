/**
 * The password of a password login, for the handlers of that one operation only (PocketBase's
 * after hook reads it as `e.password`): kept beside the operation's `ctx.state`, never in an
 * action's meta, an event payload or a log.
 */
const passwords = new WeakMap<object, string>();

export function rememberLoginPassword(state: object, password: string): void {
  passwords.set(state, password);
}

export function loginPasswordOf(state: object | undefined): string | undefined {
  return state ? passwords.get(state) : undefined;
}
