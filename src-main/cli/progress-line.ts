/**
 * Progress on stderr: rewritten in place on a terminal, one line per update (at most one
 * per second) otherwise, so logs stay readable.
 */
export class ProgressLine {
  private lastWrite = 0;
  private open = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(text: string, force = false): void {
    const now = Date.now();
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[K${text}`);
      this.open = true;
      return;
    }
    if (!force && now - this.lastWrite < 1000) return;
    this.lastWrite = now;
    this.stream.write(`${text}\n`);
  }

  /** A permanent line (ends an in-place progress line first). */
  log(text: string): void {
    this.end();
    this.stream.write(`${text}\n`);
  }

  end(): void {
    if (this.open) this.stream.write('\n');
    this.open = false;
  }
}
