/**
 * A CPU profile of the calling (main) thread only, through the inspector (node --cpu-prof
 * profiles every thread, the engine worker's included): 1 ms samples, written as a .cpuprofile
 * when stopped. Prints the offset that maps performance.now() (the stall lines' "at") to the
 * profile's µs, for `bench/support/profile-slice.ts`.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';

/** Starts the profile; the returned function stops it and writes it to `file`. */
export async function mainThreadProfile(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  const offsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
  console.log(`main-thread profile to ${file}: profile µs = performance.now() ms × 1000 + ${offsetUs.toFixed(0)}`);
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
