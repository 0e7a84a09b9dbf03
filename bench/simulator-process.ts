import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Runs the ERP simulator in its own process, so the benchmark's memory figures are the product's
 * alone and not the synthetic company's.
 */
export async function startSimulatorProcess(args: string[]): Promise<{ url: string; clientId: string; clientSecret: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [require.resolve('tsx/cli'), 'src/main.ts', 'simulate', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
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
  return {
    ...ready,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
