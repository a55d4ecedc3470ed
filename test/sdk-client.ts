import PocketBase, { ClientResponseError } from 'pocketbase';

/** The official SDK pointed at a test server, without its auto-cancellation of parallel calls. */
export function client(url: string): PocketBase {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  return pb;
}

/** The ClientResponseError a call rejects with; throws if the call succeeds or fails otherwise. */
export async function failureOf(promise: Promise<unknown>): Promise<ClientResponseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClientResponseError) return error;
    throw error;
  }
  throw new Error('The call succeeded.');
}

/** The status of the ClientResponseError a call rejects with. */
export async function statusOf(promise: Promise<unknown>): Promise<number> {
  return (await failureOf(promise)).status;
}
