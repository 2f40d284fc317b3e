/**
 * A workspace on the real engine that a test closes and opens again (the host stopped and
 * started, the project reopened): each open shuts the one before down and makes a new
 * Workspace, its handlers and its counting engine (counting-engine.ts), so `call` always
 * reaches the open one and `counting` counts what its engine computed. For the tests of a
 * project's model folder changed, moved or gone while the host runs or between two runs.
 */
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import { Workspace } from '../../src-main/api/workspace';
import type { EngineStatus } from '../../src-shared/contract';
import { countingEngine } from './counting-engine';
import { handlerCaller } from './handler-calls';
import { until } from './until';

/** Waits on the real engine: polled, and given longer than a unit test's state. */
const ENGINE_WORK = { paceMs: 50, limitMs: 120_000 };

export class ReopenableWorkspace {
  private workspace: Workspace | null = null;
  private handlers: Handlers | null = null;
  private engine: ReturnType<typeof countingEngine> | null = null;
  /** Calls the open workspace's handlers (handler-calls.ts). */
  readonly call = handlerCaller(() => {
    if (!this.handlers) throw new Error('No workspace is open: open a project first.');
    return this.handlers;
  });

  /** `stateDir`: the app's state folder (recent projects), kept across the opens. */
  constructor(private readonly stateDir: () => string) {}

  /** The open workspace's engine, counting its extractions and the images they computed. */
  get counting(): ReturnType<typeof countingEngine> {
    if (!this.engine) throw new Error('No workspace is open: open a project first.');
    return this.engine;
  }

  /** Shut down the workspace open (if any), then open (creating it if needed) the project at `project` in a new one. */
  async open(project: string): Promise<void> {
    await this.close();
    const engine = countingEngine();
    this.engine = engine;
    this.workspace = new Workspace({ stateDir: this.stateDir(), shell: 'web', version: 'test', log: () => {}, createEngine: () => engine.engine });
    this.handlers = createHandlers(this.workspace);
    await this.call('project:open', { path: project, create: true });
  }

  /** Shut the open workspace down (the host stopped); nothing when none is open. */
  async close(): Promise<void> {
    const open = this.workspace;
    this.workspace = null;
    this.handlers = null;
    await open?.shutdown();
  }

  /**
   * The engine status once the features are in `state`, or, without one, once no check or
   * extraction runs nor is to begin (after an open, one begins after the scan).
   */
  settled(what: string, state?: EngineStatus['features']['state']): Promise<EngineStatus> {
    return until(
      what,
      async () => {
        const status = await this.call('engine:status');
        const done = state === undefined ? !['none', 'checking', 'running'].includes(status.features.state) : status.features.state === state;
        return done && status;
      },
      ENGINE_WORK,
    );
  }
}
