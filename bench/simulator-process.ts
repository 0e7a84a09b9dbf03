import { spawn, type ChildProcess } from 'node:child_process';
import type { ControlMessage } from '../integrations/erp-simulator/control';

type ControlRequest = ControlMessage extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

export interface SimulatorProcess {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Sends a control message (see integrations/erp-simulator/control.ts) and waits for its answer. */
  control<T>(message: ControlRequest): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Runs the ERP simulator in its own process, so the benchmark's memory figures are the product's
 * alone and not the synthetic company's.
 */
export async function startSimulatorProcess(args: string[]): Promise<SimulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'simulate', ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let out = '';
  const ready = await new Promise<{ url: string; clientId: string; clientSecret: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /listening at (\S+)/.exec(out)?.[1];
      const clientId = /client_id: (\S+)/.exec(out)?.[1];
      const clientSecret = /client_secret: (\S+)/.exec(out)?.[1];
      if (url && clientId && clientSecret && out.includes('Press Ctrl+C')) resolve({ url, clientId, clientSecret });
    });
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  child.on('message', (raw) => {
    const answer = raw as { id: number; ok: boolean; result?: unknown; error?: string };
    const w = waiting.get(answer.id);
    if (!w) return;
    waiting.delete(answer.id);
    if (answer.ok) w.resolve(answer.result);
    else w.reject(new Error(`simulator control: ${answer.error ?? 'failed'}`));
  });
  return {
    ...ready,
    control: <T>(message: ControlRequest) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve: (v) => resolve(v as T), reject });
        child.send({ ...message, id });
      }),
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        // An open IPC channel keeps the child's event loop alive after its server closed.
        if (child.connected) child.disconnect();
        child.kill('SIGTERM');
      }),
  };
}
