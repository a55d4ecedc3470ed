/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function and by package
 * or file, and with a function's name, the call paths its self time came from.
 * `node --import tsx bench/cpuprofile.ts <file.cpuprofile> [top] [function]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, callersOf] = process.argv.slice(2);
if (!file) {
  console.error('usage: bench/cpuprofile.ts <file.cpuprofile> [top] [function]');
  process.exit(2);
}
process.stdout.on('error', () => process.exit(0));
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

const where = (url: string) => {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const sluice = path.indexOf('/packages/');
  if (sluice >= 0) return path.slice(sluice + 10);
  if (path.startsWith('node:') || path === '') return path || '(native)';
  return path.split('/').slice(-2).join('/');
};

const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const place = where(url);
  const key = `${functionName || '(anonymous)'}  ${place}${url ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  total += us;
  if (functionName === '(idle)') continue;
  const group = place.includes('/') && !place.startsWith('node:') ? place.split('/')[0] : place;
  byPlace.set(group, (byPlace.get(group) ?? 0) + us);
}
const idle = [...byFunction].filter(([key]) => key.startsWith('(idle)')).reduce((sum, [, us]) => sum + us, 0);
const busy = total - idle;

const print = (title: string, entries: Map<string, number>, count: number) => {
  console.log(
    `\n${title} (share of busy time, ${(busy / 1e6).toFixed(1)} s busy of ${(total / 1e6).toFixed(1)} s)`,
  );
  for (const [key, us] of [...entries]
    .filter(([key]) => !key.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)) {
    console.log(
      `${((us / busy) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`,
    );
  }
};
print('self time by function', byFunction, top);
print('self time by package or file', byPlace, 15);

if (callersOf) {
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const frame = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    return `${functionName || '(anonymous)'}@${where(url)}:${lineNumber + 1}`;
  };
  const paths = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (byId.get(id)!.callFrame.functionName !== callersOf) continue;
    const chain: string[] = [];
    for (
      let parent = parents.get(id);
      parent !== undefined && chain.length < 8;
      parent = parents.get(parent)
    ) {
      chain.push(frame(parent));
    }
    const key = chain.join(' < ');
    paths.set(key, (paths.get(key) ?? 0) + us);
  }
  console.log(`\nself time of ${callersOf}, by caller`);
  for (const [path, us] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    console.log(`${(us / 1000).toFixed(0).padStart(7)} ms  ${path}`);
  }
}
