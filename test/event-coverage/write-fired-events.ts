import { afterAll } from 'vitest';
import { writeFiredEvents } from '../../packages/server/src/catalogue/fired-events.ts';

// Once per test file, after its own teardown (which stops its apps and fires their last events).
afterAll(writeFiredEvents);
