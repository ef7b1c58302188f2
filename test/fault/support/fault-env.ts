import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The fault suite's own broker and database server, on ports of their own, so that restarting them
 * disturbs nothing else on the machine (the main broker and database stay up for everyone).
 */
export const FAULT_ENV = {
  kafkaPort: Number(process.env.FAULT_KAFKA_PORT ?? 19092),
  kafkaControllerPort: Number(process.env.FAULT_KAFKA_CONTROLLER_PORT ?? 19093),
  pgPort: Number(process.env.FAULT_PG_PORT ?? 15432),
};
export const FAULT_BROKERS = `127.0.0.1:${FAULT_ENV.kafkaPort}`;
export const FAULT_PG_SERVER = `postgres://postgres@127.0.0.1:${FAULT_ENV.pgPort}`;

const kafkaEnv = {
  ...process.env,
  KAFKA_HOME_DIR: `${REPO_ROOT}.local/kafka-fault`,
  KAFKA_PORT: String(FAULT_ENV.kafkaPort),
  KAFKA_CONTROLLER_PORT: String(FAULT_ENV.kafkaControllerPort),
};
const pgEnv = { ...process.env, FAULT_PG_PORT: String(FAULT_ENV.pgPort) };

export const kafkaCtl = async (command: 'start' | 'stop' | 'restart' | 'reset') => {
  await run('bash', [`${REPO_ROOT}deploy/kafka/kafka.sh`, command], { env: kafkaEnv, timeout: 180_000 });
};
export const postgresCtl = async (command: 'start' | 'stop') => {
  await run('bash', [`${REPO_ROOT}scripts/fault-postgres.sh`, command], { env: pgEnv, timeout: 120_000 });
};

/** Starts (or finds) the fault suite's broker and database server. */
export async function startFaultEnv(): Promise<void> {
  await Promise.all([kafkaCtl('start'), postgresCtl('start')]);
}

/** Stops both; the next run formats nothing anew (data is reused, topics are unique per run). */
export async function stopFaultEnv(): Promise<void> {
  await Promise.all([kafkaCtl('stop'), postgresCtl('stop')]);
}
