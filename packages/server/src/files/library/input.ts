import { type ErrorDetails, InvalidPayloadError } from '@sluice/hooks';
import type { Kysely } from 'kysely';
import { type Folder, findFolder } from './store.ts';

const problem = (code: string, message: string) => ({ code, message });
const MAX_NAME = 255;
// control characters and path separators: a download name is one plain file name
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what it refuses
const UNSAFE_NAME = /[\u0000-\u001f\u007f/\\]/;

/** What a client may set on a file of the library. */
export interface FileMetadata {
  title?: string;
  folder?: string;
  filenameDownload?: string;
}

/** What a client may set on a folder. */
export interface FolderInput {
  name?: string;
  parent?: string;
}

function unknownFields(body: Record<string, unknown>, known: readonly string[], problems: ErrorDetails) {
  for (const key of Object.keys(body))
    if (!known.includes(key)) problems[key] = problem('validation_unknown_field', 'Unknown field.');
}

function checkText(value: unknown, name: string, problems: ErrorDetails, required: boolean): value is string {
  if (typeof value !== 'string') {
    problems[name] = problem('validation_invalid_type', 'Must be a string.');
    return false;
  }
  if (value.length > MAX_NAME) {
    problems[name] = problem('validation_max_text_constraint', `Must be at most ${MAX_NAME} characters.`);
    return false;
  }
  if (required && value.trim() === '') {
    problems[name] = problem('validation_required', 'Cannot be blank.');
    return false;
  }
  return true;
}

async function checkFolderRef(
  executor: Kysely<any>,
  value: unknown,
  name: string,
  problems: ErrorDetails,
): Promise<Folder | undefined> {
  if (!checkText(value, name, problems, false) || value === '') return undefined;
  const folder = await findFolder(executor, value);
  if (!folder) problems[name] = problem('validation_missing_folder', `There is no folder "${value}".`);
  return folder;
}

function fail(message: string, problems: ErrorDetails): void {
  if (Object.keys(problems).length > 0) throw new InvalidPayloadError(message, problems);
}

/** Checks a file's metadata (what the `files.*` filters left) and returns it. */
export async function fileMetadata(
  executor: Kysely<any>,
  body: Record<string, unknown>,
): Promise<FileMetadata> {
  const problems: ErrorDetails = {};
  unknownFields(body, ['title', 'folder', 'filenameDownload'], problems);
  if (body.title !== undefined) checkText(body.title, 'title', problems, false);
  if (body.folder !== undefined) await checkFolderRef(executor, body.folder, 'folder', problems);
  if (
    body.filenameDownload !== undefined &&
    checkText(body.filenameDownload, 'filenameDownload', problems, true)
  ) {
    if (UNSAFE_NAME.test(body.filenameDownload))
      problems.filenameDownload = problem('validation_invalid_name', 'Must be a file name without slashes.');
  }
  fail('Invalid file.', problems);
  return body as FileMetadata;
}

/**
 * Checks a folder create (no `current`) or update: a name, and a parent that exists and is
 * neither the folder itself nor one of its descendants.
 */
export async function folderInput(
  executor: Kysely<any>,
  body: Record<string, unknown>,
  current: Folder | undefined,
): Promise<Required<FolderInput>> {
  const problems: ErrorDetails = {};
  unknownFields(body, ['name', 'parent'], problems);
  const next = { name: current?.name ?? '', parent: current?.parent ?? '' };
  if (body.name !== undefined || !current) {
    if (checkText(body.name, 'name', problems, true)) next.name = body.name.trim();
  }
  if (body.parent !== undefined) {
    const parent = await checkFolderRef(executor, body.parent, 'parent', problems);
    if (current && parent && (await isWithin(executor, parent, current.id)))
      problems.parent = problem('validation_folder_cycle', 'Cannot be the folder itself or one inside it.');
    else if (!problems.parent) next.parent = body.parent as string;
  }
  fail('Invalid folder.', problems);
  return next;
}

/** Whether `folder` is the folder `ancestor` or lies inside it. */
async function isWithin(executor: Kysely<any>, folder: Folder, ancestor: string): Promise<boolean> {
  const seen = new Set<string>();
  let current: Folder | undefined = folder;
  while (current && !seen.has(current.id)) {
    if (current.id === ancestor) return true;
    seen.add(current.id);
    current = current.parent ? await findFolder(executor, current.parent) : undefined;
  }
  return false;
}
