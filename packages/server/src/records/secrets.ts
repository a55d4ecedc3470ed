/** Request fields that carry a password or token: never in an action's meta, an event or a log. */
export const SECRET_INPUTS = ['password', 'passwordConfirm', 'oldPassword', 'tokenKey', 'token'] as const;

/** `input` without its secrets (the same object when it has none). */
export function withoutSecrets(input: Record<string, unknown>): Record<string, unknown> {
  if (!SECRET_INPUTS.some((name) => name in input)) return input;
  const copy = { ...input };
  for (const name of SECRET_INPUTS) delete copy[name];
  return copy;
}
