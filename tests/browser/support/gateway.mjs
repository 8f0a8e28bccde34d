// Starts the real gateway (build/vhgate serve) for the browser tests: the
// example covenant and certificates (build/certs from `make certs`), a fresh
// data and keys directory in a temporary folder, listening on a free port of
// 127.0.0.1. Stops it (SIGTERM, then SIGKILL) when asked or when the test
// process exits.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const sourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const buildDir = process.env.VH_BUILD_DIR || path.join(sourceDir, 'build');
export const certsDir = process.env.VH_CERTS_DIR || path.join(sourceDir, 'build/certs');

export async function startGateway(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vh-browser-'));
  const config = {
    listen: '127.0.0.1:0',
    metrics_listen: '127.0.0.1:0',
    policy: options.covenant || path.join(sourceDir, 'examples/convenant.json'),
    data_dir: path.join(dir, 'data'),
    keys_dir: path.join(dir, 'keys'),
    tls: {
      cert: path.join(certsDir, 'server.crt'),
      key: path.join(certsDir, 'server.key'),
      client_ca: path.join(certsDir, 'ca.crt'),
      crl: path.join(certsDir, 'crl.pem'),
    },
    retention: { sweep_seconds: 3600 },
  };
  const configPath = path.join(dir, 'gateway.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const binary = path.join(buildDir, 'vhgate');
  const keys = spawnSync(binary, ['keys', 'init', '--config', configPath], { encoding: 'utf8' });
  if (keys.status !== 0) throw new Error(`vhgate keys init failed: ${keys.stderr}`);
  const logPath = path.join(dir, 'gateway.log');
  const log = fs.openSync(logPath, 'a');
  const child = spawn(binary, ['serve', '--config', configPath], { stdio: ['ignore', 'ignore', log] });
  const stop = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  process.on('exit', stop);
  const deadline = Date.now() + 30000;
  let port = 0;
  while (!port) {
    if (child.exitCode !== null) throw new Error(`gateway exited:\n${fs.readFileSync(logPath, 'utf8')}`);
    if (Date.now() > deadline) throw new Error('gateway did not start within 30 s');
    const m = /"listen":"127\.0\.0\.1:(\d+)"/.exec(fs.readFileSync(logPath, 'utf8'));
    if (m) port = Number(m[1]);
    else await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    origin: `https://localhost:${port}`,
    dir,
    log: () => fs.readFileSync(logPath, 'utf8'),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        let timer;
        await Promise.race([
          new Promise((r) => child.once('exit', r)),
          new Promise((r) => { timer = setTimeout(r, 20000); }),
        ]);
        clearTimeout(timer);
        stop();
      }
      process.off('exit', stop);
      if (process.env.VH_KEEP_TMP !== '1') fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
