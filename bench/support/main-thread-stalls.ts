/**
 * Stalls of the host's main thread (the Node event loop), one by one: a 10 ms timer that fires
 * late by more than `threshold` ms was held up that long by something synchronous (a request
 * answered that late). Unlike the event-loop-delay histogram's maximum it counts them and says
 * when they happened, so a bench can tell which phase they fall in.
 */
export class MainThreadStalls {
  private readonly timer: NodeJS.Timeout;
  private last = performance.now();
  private stalls: { at: number; ms: number }[] = [];

  constructor(private readonly threshold = 50) {
    this.timer = setInterval(() => {
      const now = performance.now();
      const late = now - this.last - 10;
      if (late > this.threshold) this.stalls.push({ at: now, ms: late });
      this.last = now;
    }, 10);
    this.timer.unref();
  }

  /** The stalls since the last take (longest first, at most `top` of them) and how many exceeded 100 ms; starts over. */
  take(top = 5): string {
    // A stall still going on (the code calling take() held the thread since the timer last ran) counts here.
    const now = performance.now();
    if (now - this.last - 10 > this.threshold) this.stalls.push({ at: now, ms: now - this.last - 10 });
    this.last = now;
    const stalls = this.stalls.sort((a, b) => b.ms - a.ms);
    this.stalls = [];
    const over = stalls.filter((s) => s.ms > 100).length;
    return `${over} over 100 ms${stalls.length ? `, longest ${stalls.slice(0, top).map((s) => s.ms.toFixed(0)).join(' / ')} ms` : ''}`;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
