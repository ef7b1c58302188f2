import type { Logger } from 'pino';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

/**
 * Runs the steps in order on SIGTERM or SIGINT (once), under a hard timeout after which the process
 * exits anyway: a hung broker or database must not keep a pod from terminating. The order is the
 * caller's: not ready → stop accepting → finish in-flight work → disconnect → close pools → flush.
 */
export function installShutdown(log: Logger, steps: ShutdownStep[], timeoutMs = 15_000): () => Promise<void> {
  let started: Promise<void> | undefined;
  const shutdown = () => {
    started ??= (async () => {
      const timer = setTimeout(() => {
        log.error({ timeoutMs }, 'shutdown timed out; exiting');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      let failed = false;
      for (const step of steps) {
        try {
          await step.run();
        } catch (error) {
          failed = true;
          log.error({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
      log.info({ failed }, 'shutdown complete');
      log.flush();
      process.exitCode = failed ? 1 : 0;
    })();
    return started;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutdown requested');
      void shutdown();
    });
  }
  return shutdown;
}
