import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { FIRED_EVENTS_DIR } from '../packages/server/src/catalogue/fired-events.ts';
import { until } from './helpers.ts';

/** The `sluice` command as installed: the compiled CLI. */
export const sluiceBin = fileURLToPath(new URL('../packages/server/bin/sluice.js', import.meta.url));

const baseEnv = () => ({ PATH: process.env.PATH, [FIRED_EVENTS_DIR]: process.env[FIRED_EVENTS_DIR] });

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sluice …` to its end. */
export async function runSluice(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  const child = spawn(process.execPath, [sluiceBin, ...args], { env: { ...baseEnv(), ...env } });
  const output = collectOutput(child);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, ...output() };
}

/** `sluice serve …` until it says where it listens; stop it with `child.kill()`. */
export async function startSluice(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => Finished }> {
  const child = spawn(process.execPath, [sluiceBin, 'serve', '--http', '127.0.0.1:0', ...args], {
    env: { ...baseEnv(), ...env },
  });
  const output = collectOutput(child);
  let url: string | undefined;
  await until(
    () => {
      url = /Sluice is listening on (http:\/\/\S+?)"/.exec(output().stdout)?.[1];
      if (child.exitCode !== null)
        throw new Error(`sluice serve exited: ${output().stdout}${output().stderr}`);
      return url !== undefined;
    },
    15_000,
    'sluice serve to listen',
  );
  return { child, url: url!, output: () => ({ code: child.exitCode, ...output() }) };
}

/** What a child process has printed so far, read whenever asked. */
export function collectOutput(
  child: ChildProcessWithoutNullStreams,
): () => { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return () => ({ stdout, stderr });
}

/** The JSON log lines of an output. */
export function logLines(stdout: string): { level: number; msg: string; [key: string]: unknown }[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}
