/**
 * The `adma` command: the whole engine without the UI (extract, train, predict, export).
 * Built to out/main/cli.js and started by bin/adma.mjs. Only the argument parser and the
 * help texts load up front, so `adma --help` is instant; each command imports TF.js, sharp
 * and SQLite when it runs.
 */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AppError } from '../../src-shared/app-error';
import { COMMAND_HELP, COMMANDS, TOOL_HELP, type CommandName } from './cli-help';
import { MODEL_OPTIONS } from './model-spec';
import { ProgressLine } from './progress-line';
import { EXIT, UsageError } from './usage-error';
import { knownError } from '../core/storage-errors';

const COMMON_OPTIONS = {
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const OPTIONS = {
  extract: { ...COMMON_OPTIONS, ...MODEL_OPTIONS, deep: { type: 'boolean' }, 'batch-size': { type: 'string' } },
  train: { ...COMMON_OPTIONS, labels: { type: 'string' }, mode: { type: 'string' }, seed: { type: 'string' }, epochs: { type: 'string' }, fresh: { type: 'boolean' }, symmetries: { type: 'boolean' } },
  predict: { ...COMMON_OPTIONS, out: { type: 'string' } },
  export: { ...COMMON_OPTIONS, out: { type: 'string' } },
} as const;

function integer(value: string | undefined, name: string, min: number, command: CommandName): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} ${value}: expected a whole number of at least ${min}.`, command);
  return n;
}

function folderArgument(positionals: string[], command: CommandName): string {
  if (positionals.length === 0) throw new UsageError('missing the image folder.', command);
  if (positionals.length > 1) throw new UsageError(`expected one folder, got ${positionals.length} arguments: ${positionals.join(' ')}.`, command);
  const folder = positionals[0] as string;
  if (!existsSync(folder)) throw new AppError('NOT_A_FOLDER', `The folder ${folder} does not exist.`);
  if (!statSync(folder).isDirectory()) throw new AppError('NOT_A_FOLDER', `${folder} is a file; give the folder that holds the images.`);
  return folder;
}

async function runCommand(command: CommandName, argv: string[], signal: AbortSignal, out: ProgressLine): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS[command], allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const option = /^Unknown option '([^']+)'/.exec(message)?.[1];
    throw new UsageError(option ? `unknown option '${option}'.` : (message.split('\n')[0] ?? message), command);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    process.stdout.write(`${COMMAND_HELP[command]}\n`);
    return;
  }
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const folder = folderArgument(parsed.positionals, command);
  const backend = str('backend');
  switch (command) {
    case 'extract': {
      const { runExtract } = await import('./extract-command');
      return runExtract({ folder, model: str('model'), layers: str('layers'), preprocessing: str('preprocessing'), deep: values.deep === true, batchSize: integer(str('batch-size'), 'batch-size', 1, command), backend, signal }, out);
    }
    case 'train': {
      const { runTrain } = await import('./train-command');
      return runTrain(
        { folder, labels: str('labels'), mode: str('mode'), seed: integer(str('seed'), 'seed', 0, command), epochs: integer(str('epochs'), 'epochs', 1, command), fresh: values.fresh === true, symmetries: values.symmetries === true, backend, signal },
        out,
      );
    }
    case 'predict': {
      const { runPredict } = await import('./predict-command');
      return runPredict({ folder, out: str('out'), backend }, out);
    }
    case 'export': {
      const { runExport } = await import('./export-command');
      return runExport({ folder, out: str('out'), backend }, out);
    }
  }
}

/** Runs the command line and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(`${TOOL_HELP}\n`);
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = rest[0];
    if (topic === 'simulate') return main(['simulate', '--help']);
    process.stdout.write(`${topic && (COMMANDS as readonly string[]).includes(topic) ? COMMAND_HELP[topic as CommandName] : TOOL_HELP}\n`);
    return EXIT.ok;
  }
  const out = new ProgressLine();
  if (first !== 'simulate' && !(COMMANDS as readonly string[]).includes(first)) {
    out.log(`adma: unknown command '${first}'. Commands: ${[...COMMANDS, 'simulate'].join(', ')}.\nRun 'adma --help' for usage.`);
    return EXIT.usage;
  }
  const command = first as CommandName | 'simulate';
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    out.log('adma: stopping after the current step (Ctrl-C again to quit at once)…');
    controller.abort(new AppError('CANCELLED', 'Interrupted.'));
  };
  process.on('SIGINT', onSigint);
  try {
    if (command === 'simulate') await (await import('./simulate-command')).runSimulate(rest, controller.signal, out);
    else await runCommand(command, rest, controller.signal, out);
    out.end();
    return EXIT.ok;
  } catch (error) {
    out.end();
    if (error instanceof UsageError) {
      out.log(`adma ${command}: ${error.message}\nRun 'adma ${command} --help' for usage.`);
      return EXIT.usage;
    }
    const known = knownError(error);
    if (known) {
      out.log(`adma ${command}: ${known.message}`);
      return known.code === 'CANCELLED' ? EXIT.interrupted : EXIT.failed;
    }
    const message = error instanceof Error ? error.message : String(error);
    out.log(`adma ${command}: ${message}`);
    if (process.env.ADMA_DEBUG && error instanceof Error && error.stack) out.log(error.stack);
    return EXIT.failed;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

process.exitCode = await main(process.argv.slice(2));
