/** Runs async tasks one at a time, in arrival order (deploys and switches of one environment). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** True while a task runs or waits. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Runs `task` after every task queued before it has settled; resolves or rejects with its outcome. */
  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task, task).finally(() => this.pending--);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
