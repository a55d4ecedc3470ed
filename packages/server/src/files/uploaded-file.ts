import { sniffType } from './mime.ts';
import { storedFileName } from './names.ts';

/**
 * A file sent with a record write, held in memory until the write stores it. Its stored `name` is
 * made when it arrives; its `type` is sniffed from the content, never taken from the client.
 */
export class UploadedFile {
  private constructor(
    /** The name the client gave, as PocketBase's `originalName`. */
    readonly originalName: string,
    /** The name it is stored under, unique within the record. */
    readonly name: string,
    readonly type: string,
    readonly content: Buffer,
  ) {}

  static async from(originalName: string, content: Buffer): Promise<UploadedFile> {
    const sniffed = await sniffType(content);
    return new UploadedFile(
      originalName,
      storedFileName(originalName, sniffed.extension),
      sniffed.mime,
      content,
    );
  }

  get size(): number {
    return this.content.length;
  }

  /** What events and logs show of it: never the content. */
  toJSON(): { name: string; originalName: string; size: number; type: string } {
    return { name: this.name, originalName: this.originalName, size: this.size, type: this.type };
  }
}
