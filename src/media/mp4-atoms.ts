// Reads the top-level box list of an ISO-BMFF (MP4/MOV) file without a parser dependency.
// Used to check faststart (moov before mdat) and to spot truncated files: ffprobe happily
// reads a cut faststart MP4 because its index (moov) is intact, only the media data is short.
import { open } from 'node:fs/promises';

export type Mp4Atom = { type: string; offset: number; size: number; truncated: boolean };

export async function mp4TopLevelAtoms(file: string): Promise<Mp4Atom[]> {
  const fh = await open(file, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    const atoms: Mp4Atom[] = [];
    const head = Buffer.alloc(16);
    let offset = 0;
    while (offset + 8 <= fileSize && atoms.length < 10_000) {
      const { bytesRead } = await fh.read(head, 0, 16, offset);
      if (bytesRead < 8) break;
      let size = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (!/^[\x20-\x7e]{4}$/.test(type)) break; // not a box: not ISO-BMFF (or garbage)
      if (size === 1) {
        if (bytesRead < 16) break;
        size = Number(head.readBigUInt64BE(8));
      } else if (size === 0) {
        size = fileSize - offset; // box extends to end of file
      }
      if (size < 8) break;
      const truncated = offset + size > fileSize;
      atoms.push({ type, offset, size, truncated });
      if (truncated) break;
      offset += size;
    }
    return atoms;
  } finally {
    await fh.close();
  }
}

/** True when moov precedes mdat (the player can start before downloading everything). */
export function isFaststart(atoms: Mp4Atom[]): boolean {
  const moov = atoms.findIndex((a) => a.type === 'moov');
  const mdat = atoms.findIndex((a) => a.type === 'mdat');
  return moov >= 0 && (mdat < 0 || moov < mdat);
}
