// The local workspace of one video: <workDir>/<videoId>/. Artefacts stay here between stages.
import fs from 'node:fs/promises';
import path from 'node:path';

export function workspace(workDir: string, videoId: string) {
  const dir = path.join(workDir, videoId);
  return {
    dir,
    downloadDir: path.join(dir, 'download'),
    proxy: path.join(dir, 'proxy.mp4'),
    master: path.join(dir, 'master.mkv'),
    frames: path.join(dir, 'analysis.raw'),
  };
}
export type Workspace = ReturnType<typeof workspace>;

export async function exists(file: string | undefined): Promise<boolean> {
  if (!file) return false;
  try {
    const st = await fs.stat(file);
    return st.isFile() && st.size > 0;
  } catch {
    return false;
  }
}

export async function removeWorkspace(ws: Workspace): Promise<void> {
  await fs.rm(ws.dir, { recursive: true, force: true });
}
