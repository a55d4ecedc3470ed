/**
 * The start-up ceiling: bare Fastify answering `/api/health` after opening the same SQLite file
 * as Sluice does. `node startup-ceiling.mjs <data folder> <port>`.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';

const [dir, port] = process.argv.slice(2);
const db = new BetterSqlite3(join(dir!, 'data.db'));
db.pragma('journal_mode = WAL');
const http = Fastify({ logger: false });
http.get('/api/health', () => ({ code: 200, message: 'API is healthy.', data: {} }));
await http.listen({ host: '127.0.0.1', port: Number(port) });
