// FCPXML 1.9 (Final Cut Pro 10.4.1+, DaVinci Resolve, Premiere via converters): one asset for the
// video (with a <media-rep>, new in 1.9), a project whose sequence spine holds one <asset-clip> per
// clip laid end to end. Times are exact rationals of the frame duration (1001/30000s at 29.97);
// the sequence's tcFormat says DF or NDF. A clip's group becomes a keyword over the whole clip.
import { clipName, recordStarts, type Timeline } from './model.ts';
import { rationalSeconds } from './timecode.ts';

export const FCPXML_VERSION = '1.9';

export function renderFcpxml(t: Timeline): string {
  const r = t.rate;
  const fd = rationalSeconds(1, r);
  const tcFormat = r.dropFrame ? 'DF' : 'NDF';
  const starts = recordStarts(t);
  const total = t.clips.reduce((a, c) => a + c.endFrame - c.startFrame, 0);
  const audio = t.hasAudio ? ` hasAudio="1" audioSources="1" audioChannels="${Math.max(1, t.audioChannels)}"` : ' hasAudio="0"';
  const clips = t.clips.map((c, i) => {
    const dur = rationalSeconds(c.endFrame - c.startFrame, r);
    const kw = c.group ? `\n              <keyword start="${rationalSeconds(c.startFrame, r)}" duration="${dur}" value="${esc(c.group)}"/>` : '';
    return (
      `            <asset-clip ref="r2" name="${esc(clipName(c))}" offset="${rationalSeconds(starts[i]!, r)}" ` +
      `start="${rationalSeconds(c.startFrame, r)}" duration="${dur}" format="r1" tcFormat="${tcFormat}">` +
      `\n              <note>${esc(`id=${c.id} state=${c.reviewState}`)}</note>${kw}\n            </asset-clip>`
    );
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE fcpxml>',
    `<fcpxml version="${FCPXML_VERSION}">`,
    '  <resources>',
    `    <format id="r1" name="FFVideoFormat${t.height}p${fpsLabel(r.fps)}" frameDuration="${fd}" width="${t.width}" height="${t.height}"/>`,
    `    <asset id="r2" name="${esc(t.title)}" uid="${esc(t.videoId)}" start="0s" duration="${rationalSeconds(t.mediaFrames, r)}" hasVideo="1" format="r1"${audio}>`,
    `      <media-rep kind="original-media" src="${esc(t.mediaUrl)}"/>`,
    '    </asset>',
    '  </resources>',
    '  <library>',
    '    <event name="Heaters">',
    `      <project name="${esc(t.title)}">`,
    `        <sequence format="r1" duration="${rationalSeconds(total, r)}" tcStart="0s" tcFormat="${tcFormat}"${t.hasAudio ? ' audioLayout="stereo" audioRate="48k"' : ''}>`,
    "          <spine>",
    ...clips,
    "          </spine>",
    "        </sequence>",
    '      </project>',
    '    </event>',
    '  </library>',
    '</fcpxml>',
    '',
  ].join('\n');
}

function fpsLabel(fps: number): string {
  return Number.isInteger(fps) ? String(fps) : fps.toFixed(2).replace('.', '');
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
