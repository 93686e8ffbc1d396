"""Developer tool: score the scene detector on rendered scene sets, fast enough to tune with.

Decoding is the slow part of detection and does not depend on the decision parameters, so this
tool decodes each video once (the detector's own decode path), keeps its per-frame signals next to
it (<video>.signals.npz), and then runs only the decision pass (detector.detect) with the given
parameter overrides: a whole set scores in seconds. Scoring is the benchmark's
(scripts/bench-scenes.ts): hard cuts, flashes, motion and static at +-1 frame; a gradual
transition counts when one cut lies within a quarter of its length.

Errors (which cut was missed, which was false) are printed only for development sets. A set whose
directory name starts with "heldout" is scored in totals only, and only with --heldout: the
held-out set is for reporting, never for tuning (README, Scene detection).

    PYTHONPATH=python python3 python/tools/scene_eval.py .cache/scenes/dev-1280x720-30-* \
        [--params '{"content_ratio": 2.8}'] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from typing import Any

import numpy as np

from heaters_worker.scenes.decode import FfmpegFrames, decode_size
from heaters_worker.scenes.detector import detect
from heaters_worker.scenes.distance import edge_correlation, hist_dist, thumb_dist
from heaters_worker.scenes.hard import thumb_concentration
from heaters_worker.scenes.keyframes import keyframe_frames
from heaters_worker.scenes.params import DEFAULTS, content_lags, resolve
from heaters_worker.scenes.signal import Signals, SignalExtractor

SIGNALS_VERSION = "5"  # bump when signal.py changes what it computes (5: the half-size signals of 2.5.0)


def signals_for(video: str, params: dict[str, Any]) -> Signals:
    cache = f"{video[:-4]}.signals.npz"
    tag = f"{SIGNALS_VERSION}:{params['hue_min_sv']}:{params['fast_decode']}:{content_lags(params)}"
    if os.path.exists(cache):
        z = np.load(cache)
        if str(z["tag"]) == tag:
            return Signals(z["content"], z["hist"], z["thumbs"], z["row_peak"], z["col_peak"])
    w, h = decode_size(video, None, None)
    ext = SignalExtractor(int(params["hue_min_sv"]), content_lags(params))
    with FfmpegFrames(os.environ.get("FFMPEG_PATH", "ffmpeg"), video, w, h, fast=bool(params["fast_decode"])) as frames:
        for frame in frames:
            ext.push(frame)
    sig = ext.finish()
    np.savez(cache, tag=np.array(tag), content=sig.content, hist=sig.hist, thumbs=sig.thumbs,
             row_peak=sig.row_peak, col_peak=sig.col_peak)
    return sig


def cpu_per_frame(video: str, params: dict[str, Any]) -> dict:
    """CPU per frame of one decode (ffmpeg, from the children's rusage), of Python's signal extraction
    including reading the frames, and of the decision pass; best of 2."""
    best: dict = {}
    for _ in range(2):
        w, h = decode_size(video, None, None)
        c0, p0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time()
        ext = SignalExtractor(int(params["hue_min_sv"]), content_lags(params))
        with FfmpegFrames(os.environ.get("FFMPEG_PATH", "ffmpeg"), video, w, h, fast=bool(params["fast_decode"])) as frames:
            for frame in frames:
                ext.push(frame)
        sig = ext.finish()
        c1, p1 = resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time()
        detect(sig, params, set())
        p2, n = time.process_time(), max(1, sig.frames)
        row = {"frames": sig.frames, "ffmpeg_ms": 1000 * (c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime) / n,
               "signals_ms": 1000 * (p1 - p0) / n, "decision_ms": 1000 * (p2 - p1) / n}
        if not best or row["signals_ms"] + row["decision_ms"] < best["signals_ms"] + best["decision_ms"]:
            best = row
    return best


def match(got: list[int], truth: list[int], tol: list[int]) -> tuple[int, set[int], set[int]]:
    """Greedy one-to-one matching by distance: (tp, unmatched got indexes, unmatched truth indexes)."""
    pairs = sorted((abs(g - t), gi, ti) for gi, g in enumerate(got) for ti, t in enumerate(truth) if abs(g - t) <= tol[ti])
    ug: set[int] = set()
    ut: set[int] = set()
    for _, gi, ti in pairs:
        if gi not in ug and ti not in ut:
            ug.add(gi)
            ut.add(ti)
    return len(ut), set(range(len(got))) - ug, set(range(len(truth))) - ut


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="+", help="rendered set directories (.cache/scenes/<set>-<size>-<fps>-<key>)")
    ap.add_argument("--params", default="{}", help="JSON object of parameter overrides")
    ap.add_argument("--heldout", action="store_true", help="also score held-out sets (totals only)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--hard-features", action="store_true",
                    help="development sets only: for every hard cut found, whether it is real and the evidence the "
                         "re-exposure and thumbnail-concentration rules read (run it with those rules switched off: "
                         "--params '{\"thumb_concentration_lag\": 1, \"reexposed_edges\": 2}')")
    ap.add_argument("--cpu", action="store_true",
                    help="decode each video again and report CPU per frame: ffmpeg's, Python's signal extraction "
                         "(reading frames included) and the decision pass")
    args = ap.parse_args()
    features: list[dict] = []
    cpu_rows: list[dict] = []
    params = resolve(json.loads(args.params))
    totals: dict[str, dict[str, int]] = {}
    report: list[dict] = []
    for d in args.sets:
        name = os.path.basename(os.path.normpath(d))
        heldout = name.startswith("heldout")
        if heldout and not args.heldout:
            print(f"skipping {name}: held-out (pass --heldout to report totals)", file=sys.stderr)
            continue
        for f in sorted(os.listdir(d)):
            if not f.endswith(".json"):
                continue
            truth = json.load(open(os.path.join(d, f)))
            video = os.path.join(d, f[:-5] + ".mp4")
            if args.cpu:
                cpu_rows.append(dict(set=name, video=truth["name"], **cpu_per_frame(video, params)))
            sig = signals_for(video, params)
            kf = keyframe_frames(truth.get("keyframeTimes", []), truth["fps"], sig.frames)
            cuts = detect(sig, params, kf)
            got = [c["frame"] for c in cuts]
            tf = [c["frame"] for c in truth["cuts"]]
            cls = truth["cls"]
            tol = [max(1, (c.get("length") or 0) // 4) if cls == "gradual" else 1 for c in truth["cuts"]]
            tp, fps_, fns = match(got, tf, tol)
            key = f"{name.split('-')[0]}:{cls}"
            t = totals.setdefault(key, {"tp": 0, "fp": 0, "fn": 0, "flashes": 0})
            t["tp"] += tp
            t["fp"] += len(fps_)
            t["fn"] += len(fns)
            t["flashes"] += len(truth.get("flashes", []))
            row = {"set": name, "video": truth["name"], "cls": cls, "tp": tp, "fp": len(fps_), "fn": len(fns)}
            if args.hard_features and not heldout:
                lag = int(DEFAULTS["thumb_concentration_lag"])
                for gi, c in enumerate(cuts):
                    if c["kind"] == "hard":
                        i = c["frame"]
                        centred, calm = thumb_concentration(sig.thumbs, i, lag, thumb_dist(sig.thumbs, i - 1, i),
                                                            float(params["thumb_concentration_one_side"]), float(params["uniform_std"]))
                        features.append({"set": name, "video": truth["name"], "frame": i, "real": gi not in fps_,
                                         "thumb_concentration": round(centred, 3),
                                         "calm_side": None if calm is None else round(calm, 3),
                                         "edges": round(edge_correlation(sig.thumbs, i - 1, i), 3),
                                         "hist": round(hist_dist(sig.hist, i - 1, i), 3)})
            if not heldout:
                row["false"] = [cuts[i] for i in sorted(fps_)]
                row["missed"] = [truth["cuts"][i] for i in sorted(fns)]
            report.append(row)
    if args.json:
        print(json.dumps({"rows": report, "totals": totals, "hard_features": features, "cpu": cpu_rows}))
        return 0
    if features:
        for r in sorted(features, key=lambda r: (r["real"], -r["edges"])):
            calm = "" if r["calm_side"] is None else f" calm_side={r['calm_side']:.2f}"
            print(f"hard {'real ' if r['real'] else 'FALSE'} {r['set']:>40} {r['video']:<14} {r['frame']:>5} "
                  f"thumb_conc={r['thumb_concentration']:.2f}{calm} edges={r['edges']:.2f} hist={r['hist']:.2f}")
        real = [r for r in features if r["real"]]
        if real:
            print(f"real hard cuts: {len(real)}, thumb_conc >= {min(r['thumb_concentration'] for r in real):.2f}; "
                  f"edges of those with hist < {params['reexposed_hist']}: <= "
                  f"{max([r['edges'] for r in real if r['hist'] < params['reexposed_hist']] or [float('nan')]):.2f}")
    for r in cpu_rows:
        print(f"cpu {r['set']:>40} {r['video']:<14} frames={r['frames']:>5} ffmpeg={r['ffmpeg_ms']:.2f} "
              f"signals={r['signals_ms']:.2f} decision={r['decision_ms']:.3f} ms/frame")
    for r in report:
        if r["fp"] or r["fn"]:
            extra = ""
            if "false" in r:
                extra = " false=" + ",".join(f"{c['frame']}{c['kind'][0]}" for c in r["false"])
                extra += " missed=" + ",".join(f"{c['frame']}{c['kind'][0]}{c.get('length') or ''}" for c in r["missed"])
            print(f"{r['set']:>40} {r['video']:<16} tp={r['tp']} fp={r['fp']} fn={r['fn']}{extra}")
    for k, t in sorted(totals.items()):
        f1 = 2 * t["tp"] / max(1, 2 * t["tp"] + t["fp"] + t["fn"]) if (t["tp"] + t["fp"] + t["fn"]) else 1.0
        print(f"{k:<20} tp={t['tp']:>3} fp={t['fp']:>3} fn={t['fn']:>3} F1={f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
