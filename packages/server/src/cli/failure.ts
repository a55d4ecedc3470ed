/** An error's message and the reason given for each field it names, on one line. */
export function describeFailure(error: unknown): string {
  const details = (error as { details?: Record<string, { message: string }> }).details ?? {};
  const reasons = Object.entries(details).map(([field, detail]) => `${field}: ${detail.message}`);
  return `${(error as Error).message} ${reasons.join('; ')}`.trim();
}
