import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { type Accountability, guest } from '../context.ts';
import { type Outgoing, type QueueLimits, RealtimeClient } from './client.ts';

/** A response whose socket takes every frame, or (stalled) none after the first. */
export class FakeResponse extends EventEmitter {
  readonly frames: string[] = [];
  constructor(private readonly stalled = false) {
    super();
  }
  write(frame: string): boolean {
    this.frames.push(frame);
    return !this.stalled;
  }
  end(): void {
    this.emit('close');
  }
  destroy(): void {
    this.emit('close');
  }
}

/** A client over a fake response; `sent` gets each message it writes, `ended` its end. */
export function fakeClient(
  id: string,
  limits: Partial<QueueLimits> = {},
  options: { stalled?: boolean; accountability?: Accountability } = {},
) {
  const response = new FakeResponse(options.stalled);
  const sent: Outgoing[] = [];
  const ended: string[] = [];
  const client = new RealtimeClient(
    id,
    {} as FastifyRequest,
    response as unknown as ServerResponse,
    options.accountability ?? guest,
    {
      send: (self, message) => {
        sent.push(message);
        return self.write(message.name);
      },
      closed: (self) => void ended.push(self.id),
    },
    { maxQueue: 1_000_000, maxBytes: Number.POSITIVE_INFINITY, ...limits },
    0,
  );
  return { client, response, sent, ended };
}
